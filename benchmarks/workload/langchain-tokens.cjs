'use strict';
/* global Response */
// node [-r fast-litellm/register] langchain-tokens.cjs <LangChain fixture dir> <rounds>
// LangChain's ChatOpenAI.getNumTokensFromMessages on a 20-message history, as a chat app trimming its
// history would call it: the first count of the process, then one recount per turn. LangChain fetches
// its rank file from https://tiktoken.pages.dev; a fetch stand-in serves the fixture's own js-tiktoken
// ranks file instead (the same vocabulary), so no network is needed. Prints one JSON line.
const { createRequire } = require('node:module');
const path = require('node:path');

const fixture = path.resolve(process.argv[2]);
const rounds = Number(process.argv[3] || 20);
const req = createRequire(path.join(fixture, 'package.json'));

const served = {};
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init) => {
  const m = /^https:\/\/tiktoken\.pages\.dev\/js\/(\w+)\.json$/.exec(String(url));
  if (m === null) return realFetch(url, init);
  served[m[1]] ??= JSON.stringify(req(`js-tiktoken/ranks/${m[1]}`));
  return new Response(served[m[1]], { headers: { 'content-type': 'application/json' } });
};
// The response body as the CDN would send it, ready before the clock starts.
served.o200k_base = JSON.stringify(req('js-tiktoken/ranks/o200k_base'));

const WORDS = ('the model answers with a short plan: budget, latency and fallbacks, then lists the steps, '
  + 'the tokens each one costs, and what to cache; retries go to a sibling deployment first').split(' ');
let seed = 7;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const sentence = (n) => Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ') + '.';

async function main() {
  const { ChatOpenAI } = req('@langchain/openai');
  const { SystemMessage, HumanMessage, AIMessage } = req('@langchain/core/messages');
  const history = [new SystemMessage('You are a terse assistant. ' + sentence(30))];
  for (let i = 1; i < 20; i++) {
    history.push(i % 2 ? new HumanMessage(sentence(20 + (i % 5) * 8)) : new AIMessage(sentence(60)));
  }
  const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-not-used' });
  const t0 = performance.now();
  const first = await model.getNumTokensFromMessages(history);
  const firstMs = performance.now() - t0;
  const counts = [first.totalCount];
  const recountMs = [];
  for (let r = 0; r < rounds; r++) {
    const turn = [...history.slice(0, 19), new HumanMessage(`turn ${r}: ${sentence(25)}`)];
    const t = performance.now();
    const { totalCount } = await model.getNumTokensFromMessages(turn);
    recountMs.push(performance.now() - t);
    counts.push(totalCount);
  }
  // The shim's encoders hold their rank maps as accessors (built on first read): plain ones as data.
  const desc = Object.getOwnPropertyDescriptor(model._encoding, 'rankMap');
  const encoder = desc === undefined ? 'none' : desc.get ? 'made by the shim' : 'plain';
  console.log(JSON.stringify({ firstMs, recountMs, counts, encoder }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
