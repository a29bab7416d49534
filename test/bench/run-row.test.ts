import { describe, expect, it } from 'vitest';
import { fromCustom, runCustomRow, runFnRow, type RunSettings } from '../../benchmarks/lib/run-row';
import { RowSkipped } from '../../benchmarks/lib/skip';
import type { CustomRow, FnRow, RowContext } from '../../benchmarks/lib/types';

// Tiny budgets: these tests check the runner's logic, not anybody's speed.
const TINY: RunSettings = {
  quick: true, timeMs: 10, rounds: 2, warmupMs: 1, minSamplesPerRound: 1, targetSampleNs: 20_000,
};
const ctx: RowContext = { quick: true, tick: () => {} };

function fnRow(over: Partial<FnRow>): FnRow {
  return {
    kind: 'fn',
    id: 'test.row',
    name: 'test row',
    group: 'test',
    baselineName: 'JSON.stringify',
    acceleratedName: 'template string',
    baseline: () => JSON.stringify({ a: 1 }),
    accelerated: () => `{"a":${1}}`,
    ...over,
  };
}

describe('fn rows', () => {
  it('times both sides after an equal check and classifies the ratio', async () => {
    const r = await runFnRow(fnRow({}), ctx, TINY);
    expect(r.status).not.toBe('FAILED');
    expect(r.baseline!.samples).toBeGreaterThan(0);
    expect(r.accelerated!.samples).toBeGreaterThan(0);
    expect(r.roundRatios).toHaveLength(2);
    expect(r.speedup).toBeCloseTo(r.baseline!.median / r.accelerated!.median, 6);
  });

  it('marks a mismatch FAILED and times nothing', async () => {
    let calls = 0;
    const r = await runFnRow(
      fnRow({
        baseline: () => {
          calls++;
          return 40;
        },
        accelerated: () => 41,
      }),
      ctx,
      TINY,
    );
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('equality check failed: baseline returned 40, accelerated returned 41');
    expect(r.baseline).toBeUndefined();
    expect(calls).toBe(1);
  });

  it("compares awaited results of async sides and fails on a row's own check", async () => {
    const ok = await runFnRow(fnRow({ baseline: async () => [1, 2], accelerated: async () => [1, 2] }), ctx, TINY);
    expect(ok.status).not.toBe('FAILED');
    const bad = await runFnRow(fnRow({ baseline: async () => [1, 2], accelerated: async () => [2, 1] }), ctx, TINY);
    expect(bad.status).toBe('FAILED');
    const own = await runFnRow(
      fnRow({
        check: () => {
          throw new Error('chunk 3 differs');
        },
      }),
      ctx,
      TINY,
    );
    expect(own).toMatchObject({ status: 'FAILED', error: 'chunk 3 differs' });
  });

  it('runs setup before and teardown after, even when the row fails', async () => {
    const log: string[] = [];
    const r = await runFnRow(
      fnRow({
        setup: (c) => {
          log.push(`setup quick=${c.quick}`);
        },
        teardown: () => {
          log.push('teardown');
        },
        accelerated: () => 'different',
      }),
      ctx,
      TINY,
    );
    expect(r.status).toBe('FAILED');
    expect(log).toEqual(['setup quick=true', 'teardown']);
  });

  it('reports a skip as skipped, not FAILED', async () => {
    const r = await runFnRow(
      fnRow({
        setup: () => {
          throw new RowSkipped('no redis-server');
        },
      }),
      ctx,
      TINY,
    );
    expect(r).toMatchObject({ status: 'skipped', error: 'no redis-server' });
  });

  it('times peers and flags a peer whose result differs', async () => {
    const r = await runFnRow(fnRow({ peers: { same: () => '{"a":1}', other: () => '{"a":2}' } }), ctx, TINY);
    expect(Object.keys(r.peers!)).toEqual(['same', 'other']);
    expect(r.peerMismatch).toEqual(['other']);
    expect(r.status).not.toBe('FAILED');
  });

  it('keeps the declared overhead floor on the result', async () => {
    const r = await runFnRow(fnRow({ minSpeedup: 0.5 }), ctx, TINY);
    expect(r.minSpeedup).toBe(0.5);
  });
});

describe('custom rows', () => {
  const s = (median: number) => ({ median, p99: median, mean: median, samples: 3 });
  const row: CustomRow = {
    kind: 'custom',
    id: 'pool.rps',
    name: 'pool req/s',
    group: 'pool',
    baselineName: 'openai v4',
    acceleratedName: 'undici Pool',
    run: async () => [
      { label: 'c=1', unit: 'req/s', higherIsBetter: true, baseline: s(1000), accelerated: s(2000) },
      { label: 'c=16', unit: 'req/s', higherIsBetter: true, baseline: s(1000), accelerated: s(600) },
    ],
  };

  it('turns each labelled result into its own line with the direction of its unit', async () => {
    const [a, b] = await runCustomRow(row, ctx);
    expect(a).toMatchObject({ id: 'pool.rps.c-1', name: 'pool req/s (c=1)', speedup: 2, status: 'faster', unit: 'req/s' });
    expect(b).toMatchObject({ id: 'pool.rps.c-16', status: 'REGRESSION' });
    expect(b.speedup).toBeCloseTo(0.6);
  });

  it('uses time units as lower-is-better and keeps a single unlabelled result under the row id', () => {
    const r = fromCustom(row, { unit: 'ms', higherIsBetter: false, baseline: s(900), accelerated: s(300) }, 0, 1, 5);
    expect(r).toMatchObject({ id: 'pool.rps', name: 'pool req/s', speedup: 3, status: 'faster' });
  });

  it('fails loudly when run throws or returns nothing', async () => {
    const thrown = await runCustomRow({ ...row, run: async () => Promise.reject(new Error('mismatch on request 7')) }, ctx);
    expect(thrown).toHaveLength(1);
    expect(thrown[0]).toMatchObject({ id: 'pool.rps', status: 'FAILED', error: 'mismatch on request 7' });
    const empty = await runCustomRow({ ...row, run: async () => [] }, ctx);
    expect(empty[0].status).toBe('FAILED');
  });
});

describe('unusable figures', () => {
  it('fails a result whose ratio cannot be computed, saying why', () => {
    const row: CustomRow = {
      kind: 'custom', id: 'x', name: 'x', group: 'g', baselineName: 'b', acceleratedName: 'a',
      run: async () => [],
    };
    const zero = { median: 0, p99: 0, mean: 0, samples: 0 };
    const r = fromCustom(row, { unit: 'ns', higherIsBetter: false, baseline: { ...zero, median: 10, samples: 3 }, accelerated: zero }, 0, 1, 1);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('no usable ratio: baseline median 10 (3 samples), accelerated median 0 (0 samples)');
  });
});
