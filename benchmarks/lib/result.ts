// One line of the comprehensive report: what the runner found for one row (or one result of a
// custom row). Everything in the JSON/MD/HTML reports and the CI gate is derived from these.
import type { SampleSummary } from './types';

export type Status = 'faster' | 'same' | 'overhead' | 'REGRESSION' | 'FAILED' | 'skipped';

/** What the parent needs to know of a row before it runs (and to report it if its worker dies). */
export interface RowMeta {
  id: string;
  name: string;
  group: string;
  kind: 'fn' | 'custom';
  baselineName: string;
  acceleratedName: string;
}

export interface RowResult extends RowMeta {
  status: Status;
  /** Unit of the summaries: 'ns' (per op) for fn rows, the row's own unit for custom rows. */
  unit: string;
  higherIsBetter: boolean;
  baseline?: SampleSummary;
  accelerated?: SampleSummary;
  peers?: Record<string, SampleSummary>;
  /** Baseline cost / accelerated cost (inverse for throughput): > 1 means the shim is faster. */
  speedup?: number;
  /** Share of the baseline cost saved: (1 - 1/speedup) * 100; negative when slower. */
  improvementPct?: number;
  /** Speedup of each interleaved round, in order: the spread says how noisy the ratio is. */
  roundRatios?: number[];
  /** Calls per timed sample (batches keep sub-microsecond calls above the timer's grain). */
  batch?: Record<string, number>;
  itemsPerOp?: number;
  minSpeedup?: number;
  /** Peers whose result differed from the baseline's (still timed, flagged in the report). */
  peerMismatch?: string[];
  note?: string;
  /** Why the row FAILED or was skipped. */
  error?: string;
  durationMs: number;
  /** First measurement when the CI gate re-measured a suspected regression. */
  firstAttempt?: { speedup?: number; status: Status };
}

export interface GateFailure {
  id: string;
  name: string;
  reason: string;
}

export interface GateResult {
  tolerance: number;
  passed: boolean;
  failures: GateFailure[];
}

export interface RunOptionsRecord {
  quick: boolean;
  ci: boolean;
  only: string[];
  tolerance: number;
}

/** The JSON report (reports/comprehensive-<timestamp>.json). */
export interface ComprehensiveReport {
  schema: 'fast-litellm.comprehensive/1';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  options: RunOptionsRecord;
  machine: import('./machine').MachineInfo;
  summary: Record<Status, number> & { total: number };
  rows: RowResult[];
  gate?: GateResult;
}
