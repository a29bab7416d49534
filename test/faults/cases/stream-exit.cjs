'use strict';
// Leaves `n` streams of one kind early (break, return, throw, abandoned after two chunks, or never
// iterated), then asks for a whole answer and a whole stream. Reported: what each stream gave before
// it was left, how many of the server's streams were still being sent without a collection (only
// where the kind's own reader stops the request), and after collecting garbage.
const { kinds } = require('../child/kinds.cjs');

module.exports = async (t) => {
  const { kind, exit, n = 4, held: reportHeld } = t.params;
  if (kind === 'litellm-anthropic') t.anthropicAt(t.mock);
  const k = kinds(t)[kind];
  const left = [];
  for (let i = 0; i < n; i++) left.push(await t.outcome(async () => t.leave(await k.stream('slow'), exit), `leave ${i}`));
  const out = { left };
  if (reportHeld) t.leak('held', (await t.waitStats((s) => s.inFlight === 0, 1500)).inFlight);
  t.leak('heldAfterGc', (await t.waitStats((s) => s.inFlight === 0, 2000, true)).inFlight);
  out.after = await t.outcome(async () => ({ whole: (await k.whole()).choices[0].message.content, stream: await t.drain(await k.stream()) }), 'after');
  out.requests = (await t.stats()).requests;
  return out;
};
