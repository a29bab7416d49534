'use strict';
// The openai SDK of one major used directly (as an app calling a LiteLLM proxy does), every fault at
// once: 429 and 500 with one retry, redirects, a reset and a refused connection, bodies cut mid-way
// (JSON, stream, embedding), a server that never answers (the SDK's timeout; an AbortSignal), and a
// stream that stops sending (aborted through the signal and through stream.controller). Then a
// normal call.
const { kinds } = require('../child/kinds.cjs');

module.exports = async (t) => {
  const major = t.params.major;
  const at = (base) => kinds(t, base)[`sdk${major}`];
  const k = at(t.mock);
  const abortAfter = (ms) => {
    const c = new AbortController();
    setTimeout(() => c.abort(), ms);
    return c.signal;
  };
  const calls = {
    f429: () => k.whole('f429', undefined, { maxRetries: 1 }),
    f500: () => k.whole('f500', undefined, { maxRetries: 1 }),
    r301: () => at(`${t.front}/r301`).whole(),
    r303: () => at(`${t.front}/r303`).whole(),
    r307: () => at(`${t.front}/r307`).whole(),
    'r308.stream': async () => t.drain(await at(`${t.front}/r308`).stream()),
    reset: () => at(`${t.front}/reset`).whole(undefined, undefined, { maxRetries: 1 }),
    refused: () => at(t.refused).whole(),
    'cut.whole': () => k.whole('cut'),
    'cut.stream': async () => t.drain(await k.stream('cut')),
    'cut.embed': () => k.embed('cut'),
    'hang.timeout': () => k.whole('hang', { timeout: 300 }),
    'hang.signal': () => k.whole('hang', { signal: abortAfter(300) }),
    'trickle.signal': async () => {
      const c = new AbortController();
      const s = await k.stream('trickle', { signal: c.signal });
      const seen = [];
      for await (const chunk of s) {
        seen.push(t.text(chunk));
        if (seen.length === 2) c.abort();
      }
      return seen;
    },
    'trickle.controller': async () => {
      const s = await k.stream('trickle');
      const seen = [];
      for await (const chunk of s) {
        seen.push(t.text(chunk));
        if (seen.length === 2) s.controller.abort();
      }
      return seen;
    },
  };
  const names = Object.keys(calls);
  const outcomes = await Promise.all(names.map((n) => t.outcome(calls[n], n, 20_000)));
  const out = Object.fromEntries(names.map((n, i) => [n, outcomes[i]]));
  out.after = await t.outcome(async () => (await k.whole()).choices[0].message.content, 'after');
  const s = await t.waitStats((x) => x.inFlight === 0, 1500);
  out.server = { byRoute: s.byRoute, front: s.front };
  t.leak('inFlight', s.inFlight);
  return out;
};
