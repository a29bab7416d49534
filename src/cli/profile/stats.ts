// Descriptive statistics of a sample (latencies, TTFB, tokens/s).

export interface Describe {
  count: number;
  mean: number;
  median: number;
  stddev: number;
  min: number;
  max: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
}

/** Percentile by linear interpolation between closest ranks (numpy's default), on a sorted array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x);

/** Null for an empty sample, so exports say "no data" instead of NaN. Sample stddev (n - 1). */
export function describe(values: number[]): Describe | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.length > 1 ? v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1) : 0;
  return {
    count: v.length,
    mean: round(mean),
    median: round(percentile(v, 50)),
    stddev: round(Math.sqrt(variance)),
    min: round(v[0]),
    max: round(v[v.length - 1]),
    p25: round(percentile(v, 25)),
    p50: round(percentile(v, 50)),
    p75: round(percentile(v, 75)),
    p90: round(percentile(v, 90)),
    p95: round(percentile(v, 95)),
    p99: round(percentile(v, 99)),
  };
}

/**
 * Whether `a` is clearly below `b` rather than within noise: their inter-quartile ranges do not
 * overlap and b's median is at least 10% above a's. The profiler names a fastest only then.
 */
export function clearlyBelow(a: Pick<Describe, 'median' | 'p25' | 'p75'>, b: Pick<Describe, 'median' | 'p25' | 'p75'>): boolean {
  return a.p75 < b.p25 && b.median >= a.median * 1.1;
}
