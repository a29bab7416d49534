import { describe, expect, it } from 'vitest';
import { measure } from '../../benchmarks/lib/measure';

describe('interleaved measurement', () => {
  it('runs every contender in every round, rotating who goes first, and merges the samples', async () => {
    const calls: string[] = [];
    const boundaries: number[] = [];
    const mk = (name: string) => ({
      name,
      async: false,
      fn: () => {
        calls.push(name);
        return JSON.stringify({ name });
      },
    });
    const m = await measure([mk('a'), mk('b'), mk('c')], {
      rounds: 3,
      roundMs: 5,
      warmupMs: 1,
      minSamplesPerRound: 1,
      targetSampleNs: 20_000,
      onRound: () => boundaries.push(calls.length),
    });
    expect(boundaries).toHaveLength(3);
    // Order of each round: runs of one name in the calls of that round (the first also holds warm-up).
    const orders = boundaries.map((end, r) => {
      const seg = calls.slice(r === 0 ? 0 : boundaries[r - 1], end);
      const runs = seg.filter((x, i) => i === 0 || seg[i - 1] !== x);
      return runs.slice(-3).join('');
    });
    expect(orders).toEqual(['abc', 'bca', 'cab']);
    for (const k of ['a', 'b', 'c']) {
      expect(m.roundMedians[k]).toHaveLength(3);
      expect(m.samples[k].length).toBeGreaterThanOrEqual(3);
      expect(m.samples[k].every((x) => x > 0)).toBe(true);
      expect(Number.isInteger(m.batch[k]) && m.batch[k] >= 1).toBe(true);
    }
  });

  it('awaits async contenders and times each call once per sample when calls are slow', async () => {
    let calls = 0;
    const slow = {
      name: 'slow',
      async: true,
      fn: () =>
        new Promise<number>((resolve) => {
          calls++;
          setTimeout(() => resolve(1), 2);
        }),
    };
    const settings = { rounds: 2, roundMs: 5, warmupMs: 1, minSamplesPerRound: 2, targetSampleNs: 20_000 };
    const m = await measure([slow], settings);
    expect(m.batch.slow).toBe(1);
    expect(m.samples.slow.length).toBeGreaterThanOrEqual(4);
    // Each sample covers an awaited 2 ms timer.
    expect(Math.min(...m.samples.slow)).toBeGreaterThan(1e6);
    expect(calls).toBeGreaterThanOrEqual(5);
  });

  it('surfaces a contender that throws during timing', async () => {
    let n = 0;
    const flaky = { name: 'flaky', async: false, fn: () => { if (++n > 3) throw new Error('boom'); return n; } };
    await expect(measure([flaky], { rounds: 1, roundMs: 5, warmupMs: 0, minSamplesPerRound: 1, targetSampleNs: 1 })).rejects.toThrow('boom');
  });
});
