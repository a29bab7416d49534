import { describe, expect, it } from 'vitest';
import {
  classify,
  countStatuses,
  gate,
  improvementPct,
  quantile,
  roundRatios,
  speedupOf,
  summarize,
} from '../../benchmarks/lib/stats';
import { batchSize } from '../../benchmarks/lib/measure';
import type { RowResult } from '../../benchmarks/lib/result';
import type { SampleSummary } from '../../benchmarks/lib/types';

const sum = (median: number, p25: number, p75: number): SampleSummary =>
  ({ median, p99: p75, mean: median, samples: 10, p25, p75 });

function result(over: Partial<RowResult>): RowResult {
  return {
    id: 'r',
    name: 'r',
    group: 'g',
    kind: 'fn',
    baselineName: 'b',
    acceleratedName: 'a',
    status: 'faster',
    unit: 'ns',
    higherIsBetter: false,
    durationMs: 1,
    ...over,
  };
}

describe('summary statistics', () => {
  it('interpolates quantiles', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10], 0.99)).toBe(10);
    expect(quantile([0, 100], 0.99)).toBeCloseTo(99);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('summarizes unsorted samples', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ median: 3, mean: 3, samples: 5, min: 1, max: 5, p25: 2, p75: 4 });
    expect(s.p99).toBeCloseTo(5, 0);
    expect(s.opsPerSec).toBeCloseTo(1e9 / 3, 0);
  });
});

describe('speedup and improvement', () => {
  it('is baseline/accelerated for times and the inverse for throughput', () => {
    expect(speedupOf(100, 25, false)).toBe(4);
    expect(speedupOf(1000, 3000, true)).toBe(3);
  });

  it('reports the share of the baseline cost saved', () => {
    expect(improvementPct(4)).toBe(75);
    expect(improvementPct(1)).toBe(0);
    expect(improvementPct(0.5)).toBe(-100);
  });

  it('computes one ratio per round', () => {
    expect(roundRatios([10, 20, 30], [5, 10], false)).toEqual([2, 2]);
    expect(roundRatios([10], [20], true)).toEqual([2]);
  });

  it('batches calls below the target sample time only', () => {
    expect(batchSize(50_000, 20_000)).toBe(1);
    expect(batchSize(1_000, 20_000)).toBe(20);
    expect(batchSize(0.001, 20_000)).toBe(100_000);
    expect(batchSize(NaN, 20_000)).toBe(1);
  });
});

describe('status classification', () => {
  const wide = sum(100, 80, 120);
  it('calls a clear win faster and a clear loss REGRESSION', () => {
    expect(classify(2, sum(100, 95, 105), sum(50, 48, 52))).toBe('faster');
    expect(classify(0.5, sum(50, 48, 52), sum(100, 95, 105))).toBe('REGRESSION');
  });

  it('calls anything within 5% same', () => {
    expect(classify(1.04, undefined, undefined)).toBe('same');
    expect(classify(0.96, undefined, undefined)).toBe('same');
  });

  it('calls a <=10% difference same only when the spreads overlap', () => {
    expect(classify(1.08, wide, sum(92, 75, 110))).toBe('same');
    expect(classify(1.08, sum(100, 99, 101), sum(92, 91, 93))).toBe('faster');
    expect(classify(0.92, sum(92, 91, 93), sum(100, 99, 101))).toBe('REGRESSION');
    // Beyond the noise band overlap does not matter.
    expect(classify(1.3, wide, sum(77, 60, 100))).toBe('faster');
  });

  it('accepts a declared overhead down to its floor', () => {
    expect(classify(0.9, undefined, undefined, { minSpeedup: 0.8 })).toBe('overhead');
    expect(classify(0.7, undefined, undefined, { minSpeedup: 0.8 })).toBe('REGRESSION');
  });

  it('fails on an unusable ratio', () => {
    expect(classify(NaN, undefined, undefined)).toBe('FAILED');
    expect(classify(Infinity, undefined, undefined)).toBe('FAILED');
    expect(classify(0, undefined, undefined)).toBe('FAILED');
  });
});

describe('CI gate', () => {
  it('passes rows at or above the tolerance and ignores skipped rows', () => {
    const g = gate([result({ speedup: 0.85 }), result({ speedup: 3 }), result({ status: 'skipped' })], 0.85);
    expect(g).toEqual({ tolerance: 0.85, passed: true, failures: [] });
  });

  it('fails a row slower than the tolerance', () => {
    const g = gate([result({ id: 'slow', speedup: 0.8, status: 'REGRESSION' })], 0.85);
    expect(g.passed).toBe(false);
    expect(g.failures).toEqual([{ id: 'slow', name: 'r', reason: 'speedup 0.80x below 0.85x' }]);
  });

  it('fails any FAILED row, whatever its speed', () => {
    const g = gate([result({ id: 'bad', status: 'FAILED', error: 'equality check failed: 1 vs 2' })]);
    expect(g.passed).toBe(false);
    expect(g.failures[0].reason).toContain('equality check failed');
  });

  it("uses a row's own floor instead of the tolerance", () => {
    expect(gate([result({ speedup: 0.6, minSpeedup: 0.5, status: 'overhead' })], 0.85).passed).toBe(true);
    expect(gate([result({ speedup: 0.9, minSpeedup: 0.95 })], 0.85).passed).toBe(false);
  });

  it('fails a row without a ratio', () => {
    expect(gate([result({ speedup: undefined })]).passed).toBe(false);
    expect(gate([result({ speedup: NaN })]).passed).toBe(false);
  });

  it('counts statuses', () => {
    const c = countStatuses([result({}), result({ status: 'FAILED' }), result({ status: 'FAILED' })]);
    expect(c).toEqual({ faster: 1, same: 0, overhead: 0, REGRESSION: 0, FAILED: 2, skipped: 0 });
  });
});
