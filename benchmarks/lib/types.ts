// The contract between benchmark rows (benchmarks/rows/*.ts) and the runner (benchmarks/comprehensive.ts).
// Every row compares a baseline (the real unpatched litellm function, or the library a user would pick
// where litellm has none) with the accelerated path, on the same inputs, in the same run.

export interface RowContext {
  quick: boolean;
  /** Mock server URL when the runner started one (rows that need HTTP get it here). */
  mockUrl?: string;
  /** Progress hook for long custom rows; the runner draws the bar. */
  tick(label?: string): void;
}

/** A row the runner times itself: one call of baseline() / accelerated() is one op. */
export interface FnRow {
  kind: 'fn';
  /** Stable id used by --only, e.g. 'tokens.count.1k'. */
  id: string;
  /** Table label, e.g. 'token_counter (1k tokens)'. */
  name: string;
  group: string;
  /** What the baseline is, named: 'litellm 0.12 countTokens (js-tiktoken)'. */
  baselineName: string;
  acceleratedName: string;
  setup?(ctx: RowContext): Promise<void> | void;
  teardown?(): Promise<void> | void;
  baseline(): unknown;
  accelerated(): unknown;
  /** Extra peers timed in the same run (other engines, other libraries). */
  peers?: Record<string, () => unknown>;
  /**
   * Equality check run before any timing counts. Default: the runner calls baseline() and
   * accelerated() once each (awaiting promises) and compares results with node:util isDeepStrictEqual.
   * Throw to fail the row loudly.
   */
  check?(): Promise<void> | void;
  /** Work items per op (e.g. 300 chunks), so per-item figures can be shown. */
  itemsPerOp?: number;
  /** Minimum timing budget per side in ms (runner default otherwise). */
  timeMs?: number;
  /**
   * Optional. For rows that measure an accepted cost (e.g. the guard wrapper vs the bare function):
   * the lowest speedup that is still fine. Between this and 0.95 the status is 'overhead', below it
   * 'REGRESSION'; the CI gate uses it instead of its global tolerance. Default: no accepted cost.
   */
  minSpeedup?: number;
}

export interface SampleSummary {
  /** Per-op figures in nanoseconds unless unit says otherwise. */
  median: number;
  p99: number;
  mean: number;
  samples: number;
  opsPerSec?: number;
  /** Optional extras: bytes per key, sockets opened, lag, RSS... */
  extra?: Record<string, number | string>;
  /** Optional spread figures; the runner uses p25/p75 to tell noise from a real difference. */
  p25?: number;
  p75?: number;
  min?: number;
  max?: number;
}

export interface CustomResult {
  unit: 'ns' | 'ms' | 'req/s' | 'checks/s' | 'bytes' | 'B/key' | string;
  /** true when a bigger figure is better (throughput), false for times and sizes. */
  higherIsBetter: boolean;
  baseline: SampleSummary;
  accelerated: SampleSummary;
  peers?: Record<string, SampleSummary>;
  /** Free-form notes shown under the table (e.g. 'equal results checked on 300 chunks'). */
  note?: string;
  /** Optional. Names one of several results of a row (e.g. 'c=16'); shown as 'name (label)'. */
  label?: string;
  /** Optional. Same meaning as FnRow.minSpeedup, for this result. */
  minSpeedup?: number;
}

/** A row that measures itself (separate processes, HTTP load, memory per key...). */
export interface CustomRow {
  kind: 'custom';
  id: string;
  name: string;
  group: string;
  baselineName: string;
  acceleratedName: string;
  /** Must verify equality of results itself before returning figures; throw on mismatch. */
  run(ctx: RowContext): Promise<CustomResult | CustomResult[]>;
  /** Optional. Same meaning as FnRow.minSpeedup. */
  minSpeedup?: number;
}

export type BenchRow = FnRow | CustomRow;

/*
 * Skipping: a row whose prerequisite is missing (e.g. no redis-server on this machine) throws, from
 * setup() or run(), an error with `code === 'BENCH_ROW_SKIPPED'` (see benchmarks/lib/skip.ts). The
 * runner reports it as 'skipped' with the message, and neither the run nor the CI gate fails on it.
 * Any other throw (or a failed equality check) marks the row FAILED.
 */

/** Each file in benchmarks/rows exports `rows` (or a function returning them). */
export type RowsExport = BenchRow[] | ((ctx: RowContext) => BenchRow[] | Promise<BenchRow[]>);
