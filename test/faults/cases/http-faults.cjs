'use strict';
// One HTTP fault against every litellm handler at once (completion, stream, embedding): the fault is
// a model of the mock (f429, f500, cut) or where the requests go (r301..r308 redirect to the mock,
// reset drops the connection before any answer, refused is a port nobody listens on). Reported: each
// call's outcome, a normal call after, and what the server and the front saw.
const { kinds } = require('../child/kinds.cjs');

const BASES = { reset: 'front', refused: 'refused' };

module.exports = async (t) => {
  const { fault } = t.params;
  const atBase = /^r30\d$/.test(fault) || fault in BASES;
  const base = !atBase ? t.mock : fault === 'refused' ? t.refused : `${t.front}/${fault}`;
  const model = atBase ? undefined : fault;
  t.anthropicAt(base);
  const k = kinds(t, base);
  const calls = {
    'openai.whole': () => k['litellm-openai'].whole(model),
    'openai.stream': async () => t.drain(await k['litellm-openai'].stream(model)),
    'openai.embed': () => k['litellm-openai'].embed(model),
    'ollama.whole': () => k['litellm-ollama'].whole(model),
    'ollama.stream': async () => t.drain(await k['litellm-ollama'].stream(model)),
    'ollama.embed': () => k['litellm-ollama'].embed(model),
    'anthropic.whole': () => k['litellm-anthropic'].whole(model),
    'anthropic.stream': async () => t.drain(await k['litellm-anthropic'].stream(model)),
    'mistral.whole': () => k['litellm-mistral'].whole(model),
    'mistral.embed': () => k['litellm-mistral'].embed(model),
  };
  const names = Object.keys(calls);
  const outcomes = await Promise.all(names.map((n) => t.outcome(calls[n], n, 20_000)));
  const out = Object.fromEntries(names.map((n, i) => [n, outcomes[i]]));
  t.anthropicAt(t.mock);
  const normal = kinds(t);
  out.after = await t.outcome(async () => [
    (await normal['litellm-openai'].whole()).choices[0].message.content,
    (await normal['litellm-ollama'].whole()).choices[0].message.content,
    (await normal['litellm-anthropic'].whole()).choices[0].message.content,
  ], 'after');
  const s = await t.stats();
  out.server = { byRoute: s.byRoute, front: s.front };
  return out;
};
