// Pure statistics of the runner: sample summaries, speedup, status classification and the CI gate.
// Kept free of timing and I/O so test/bench can check them with fixed numbers.
import type { SampleSummary } from './types';
import type { GateResult, RowResult, Status } from './result';

/** Linear-interpolated quantile of an ascending array (q in [0, 1]). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// Tenths of a nanosecond are below any timer's grain here; fewer digits keep the JSON readable.
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Summary of per-op samples in nanoseconds. */
export function summarize(samplesNs: readonly number[]): SampleSummary {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n ? sorted.reduce((s, x) => s + x, 0) / n : NaN;
  const median = quantile(sorted, 0.5);
  return {
    median: r1(median),
    p99: r1(quantile(sorted, 0.99)),
    mean: r1(mean),
    samples: n,
    opsPerSec: median > 0 ? r1(1e9 / median) : undefined,
    p25: r1(quantile(sorted, 0.25)),
    p75: r1(quantile(sorted, 0.75)),
    min: r1(sorted[0]),
    max: r1(sorted[n - 1]),
  };
}

/** > 1 when the accelerated side is better, whatever the unit's direction. */
export function speedupOf(baseline: number, accelerated: number, higherIsBetter: boolean): number {
  return higherIsBetter ? accelerated / baseline : baseline / accelerated;
}

export function improvementPct(speedup: number): number {
  return (1 - 1 / speedup) * 100;
}

export interface ClassifyOptions {
  /** |speedup - 1| within this is 'same' whatever the spread. */
  sameBand?: number;
  /** Up to this, a difference whose inter-quartile ranges overlap is noise: 'same'. */
  noiseBand?: number;
  /** Accepted cost of a row measuring an overhead (see FnRow.minSpeedup). */
  minSpeedup?: number;
}

export const CLASSIFY_DEFAULTS = { sameBand: 0.05, noiseBand: 0.1 } as const;

function iqrOverlap(a?: SampleSummary, b?: SampleSummary): boolean {
  if (!a || !b || a.p25 === undefined || a.p75 === undefined || b.p25 === undefined || b.p75 === undefined) {
    return false;
  }
  return a.p25 <= b.p75 && b.p25 <= a.p75;
}

export function classify(
  speedup: number,
  baseline: SampleSummary | undefined,
  accelerated: SampleSummary | undefined,
  opts: ClassifyOptions = {},
): Status {
  const sameBand = opts.sameBand ?? CLASSIFY_DEFAULTS.sameBand;
  const noiseBand = opts.noiseBand ?? CLASSIFY_DEFAULTS.noiseBand;
  if (!Number.isFinite(speedup) || speedup <= 0) return 'FAILED';
  if (Math.abs(speedup - 1) <= sameBand) return 'same';
  if (Math.abs(speedup - 1) <= noiseBand && iqrOverlap(baseline, accelerated)) return 'same';
  if (speedup > 1) return 'faster';
  if (opts.minSpeedup !== undefined && speedup >= opts.minSpeedup) return 'overhead';
  return 'REGRESSION';
}

/** Speedups of each interleaved round from per-round medians (same unit direction as the row). */
export function roundRatios(
  baseMedians: readonly number[],
  accMedians: readonly number[],
  higherIsBetter: boolean,
): number[] {
  const n = Math.min(baseMedians.length, accMedians.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(speedupOf(baseMedians[i], accMedians[i], higherIsBetter));
  return out;
}

export const DEFAULT_TOLERANCE = 0.85;

/** The CI gate: ratios only. A FAILED row fails it; a skipped row does not. */
export function gate(results: readonly RowResult[], tolerance = DEFAULT_TOLERANCE): GateResult {
  const failures: GateResult['failures'] = [];
  for (const r of results) {
    if (r.status === 'skipped') continue;
    if (r.status === 'FAILED') {
      failures.push({ id: r.id, name: r.name, reason: `FAILED: ${r.error ?? 'unknown error'}` });
      continue;
    }
    const floor = r.minSpeedup ?? tolerance;
    if (r.speedup === undefined || !(r.speedup >= floor)) {
      failures.push({
        id: r.id,
        name: r.name,
        reason: `speedup ${r.speedup === undefined ? 'n/a' : r.speedup.toFixed(2) + 'x'} below ${floor}x`,
      });
    }
  }
  return { tolerance, passed: failures.length === 0, failures };
}

export function countStatuses(results: readonly RowResult[]): Record<Status, number> {
  const out: Record<Status, number> = { faster: 0, same: 0, overhead: 0, REGRESSION: 0, FAILED: 0, skipped: 0 };
  for (const r of results) out[r.status]++;
  return out;
}
