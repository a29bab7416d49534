// The loop over rows inside one process: each row under a timeout, and in CI mode a suspected
// regression measured once more before the gate decides.
import { plainLine } from './format';
import type { Progress } from './progress';
import type { RowResult } from './result';
import { runCustomRow, runFnRow, timedOut, type RunSettings } from './run-row';
import type { BenchRow, RowContext } from './types';

export interface LoopOptions {
  ci: boolean;
  tolerance: number;
  rowTimeoutMs: number;
}

/** A row that hangs (a request never answered) must not hold the whole run: give up on it. */
export async function runRow(
  row: BenchRow,
  ctx: RowContext,
  settings: RunSettings,
  timeoutMs: number,
): Promise<RowResult[]> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<RowResult[]>((resolve) => {
    timer = setTimeout(() => resolve([timedOut(row, timeoutMs, Date.now() - t0)]), timeoutMs);
  });
  const run = row.kind === 'fn' ? runFnRow(row, ctx, settings).then((r) => [r]) : runCustomRow(row, ctx);
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function slowerThanFloor(r: RowResult, tolerance: number): boolean {
  return r.status !== 'FAILED' && r.status !== 'skipped' && !((r.speedup ?? 0) >= (r.minSpeedup ?? tolerance));
}

export async function runRows(
  rows: readonly BenchRow[],
  ctx: RowContext,
  settings: RunSettings,
  o: LoopOptions,
  progress: Progress,
): Promise<RowResult[]> {
  const results: RowResult[] = [];
  for (const row of rows) {
    progress.row(row.id);
    let res = await runRow(row, ctx, settings, o.rowTimeoutMs);
    // On a shared machine one noisy measurement must not fail CI: re-measure once, keep the second.
    if (o.ci && res.some((r) => slowerThanFloor(r, o.tolerance))) {
      const first = res;
      progress.log(`${row.id}: below the gate floor, measuring once more`);
      res = (await runRow(row, ctx, settings, o.rowTimeoutMs)).map((r) => {
        const f = first.find((x) => x.id === r.id);
        return f ? { ...r, firstAttempt: { speedup: f.speedup, status: f.status } } : r;
      });
    }
    results.push(...res);
    progress.done(res.map(plainLine), res);
  }
  return results;
}
