'use strict';
// Calls under rate limits (set in the row's environment; plain litellm has none), step by step:
//   { calls: n, spin?: ms, via?: kind }  n calls at once, the event loop then kept busy for `spin` ms
//                                         (their answers, Redis's included, wait unread); tallied
//   { calls: n, spinEach: ms }           n calls one after another, the loop kept busy right after each
//                                         is made (its Redis answer waits unread)
//   { stall: s, calls: n }               Redis sleeps s seconds (DEBUG SLEEP) while n calls are made;
//                                         also how many were answered before Redis woke up
//   { open: n }                           n streams started and held; { leave: 'break' } leaves them
//   { control: 'redis/kill' | 'redis/start' }, { sleep: ms }
const { kinds } = require('../child/kinds.cjs');

module.exports = async (t) => {
  const steps = [];
  let held = [];
  for (const step of t.params.steps) {
    const k = kinds(t)[step.via ?? 'litellm-ollama'];
    const call = (i) => t.outcome(() => k.whole(), `call ${i}`, 20_000);
    if (step.control) steps.push(await t.control(step.control));
    else if (step.sleep) {
      await t.sleep(step.sleep);
      steps.push({ slept: step.sleep });
    } else if (step.stall) {
      const woke = t.control(`redis/sleep?s=${step.stall}`).then(() => 'redis woke');
      await t.sleep(50);
      let before = 0;
      let awake = false;
      void woke.then(() => (awake = true));
      const outcomes = await Promise.all(Array.from({ length: step.calls }, (_, i) => call(i).then((o) => {
        if (!awake) before++;
        return o;
      })));
      await t.bounded(woke, 'redis sleep', 20_000);
      steps.push({ ...t.tally(outcomes), answeredDuringStall: before });
    } else if (step.open) {
      // Started and read up to their first chunk, then held: each keeps its parallel slot.
      const opened = await Promise.all(Array.from({ length: step.open }, (_, i) => t.outcome(async () => {
        const it = (await k.stream())[Symbol.asyncIterator]();
        held.push(it);
        return t.text((await it.next()).value);
      }, `open ${i}`)));
      steps.push(t.tally(opened));
    } else if (step.leave) {
      // What `break` does to a for await: return() on the iterator.
      const left = await Promise.all(held.map((it, i) => t.outcome(() => it.return(), `leave ${i}`)));
      held = [];
      steps.push({ left: t.tally(left) });
    } else if (step.spinEach) {
      const outcomes = [];
      for (let i = 0; i < step.calls; i++) {
        const p = call(i);
        t.spin(step.spinEach);
        outcomes.push(await p);
      }
      steps.push(t.tally(outcomes));
    } else {
      const ps = Array.from({ length: step.calls }, (_, i) => call(i));
      if (step.spin) t.spin(step.spin);
      steps.push(t.tally(await Promise.all(ps)));
    }
  }
  return { steps };
};
