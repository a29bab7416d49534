/** Thrown by a row whose prerequisite is missing; the runner reports it as 'skipped', not FAILED. */
export class RowSkipped extends Error {
  readonly code = 'BENCH_ROW_SKIPPED';
  constructor(reason: string) {
    super(reason);
    this.name = 'RowSkipped';
  }
}

export function isSkip(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'BENCH_ROW_SKIPPED';
}
