import satisfies from 'semver/functions/satisfies';
import { debug, info } from '../../log';
import type { RowStatus } from '../types';
import { state } from './state';

// At FAST_LITELLM_LOG_LEVEL=info, one line per package once its files have loaded: its version, how
// many rows act and which are off or skipped (with the reason at debug, row by row). The line waits
// for the current turn of the event loop, so it counts every file the package loaded in it.

const scheduled = new Set<string>();

function summary(pkg: string, rows: RowStatus[]): string {
  const version = rows.find((r) => r.version !== undefined)?.version;
  const count = (st: RowStatus['state']) => rows.filter((r) => r.state === st);
  const applied = count('applied');
  const off = count('off');
  const skipped = count('skipped');
  const parts = [`${applied.length} of ${rows.length} patches active`];
  if (off.length > 0) parts.push(`off: ${[...new Set(off.map((r) => r.feature))].join(', ')}`);
  if (skipped.length > 0) parts.push(`skipped: ${skipped.length} (${skipped[0].reason ?? 'see getPatchStatus()'})`);
  return `${pkg}${version === undefined ? '' : ` ${version}`}: ${parts.join('; ')}`;
}

const reported = new Set<string>();

function report(pkg: string): void {
  if (!state.active || reported.has(pkg)) return;
  reported.add(pkg);
  const all = [...state.status.values()].filter((r) => r.package === pkg);
  // Rows for other majors of the package say nothing about this one.
  const version = all.find((r) => r.version !== undefined)?.version;
  const ranges = new Map(state.tables.flatMap((t) => t.rows).map((r) => [r.id, r.versions]));
  const rows = version === undefined ? all : all.filter((r) => satisfies(version, ranges.get(r.id) ?? '*', { includePrerelease: true }));
  info(summary(pkg, rows.length > 0 ? rows : all));
  for (const r of all) debug(`${r.id}: ${r.state}${r.reason === undefined ? '' : ` (${r.reason})`}`);
}

/**
 * Reports `pkg` once per activation: at once when its main entry has loaded (its files are all
 * in by then), else after this turn of the event loop (an unref'd immediate: a process that ends
 * first simply does not print it).
 */
export function notePackage(pkg: string, mainLoaded = false): void {
  if (mainLoaded) return report(pkg);
  if (scheduled.has(pkg)) return;
  scheduled.add(pkg);
  setImmediate(() => report(pkg)).unref();
}

export function resetReports(): void {
  scheduled.clear();
  reported.clear();
}
