// Number formatting shared by the terminal lines and the MD/HTML reports.
import type { RowResult } from './result';

function sig(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 10 ** digits) return Math.round(v).toLocaleString('en-US');
  return Number(v.toPrecision(digits)).toString();
}

export function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  if (ns < 1e3) return `${sig(ns)} ns`;
  if (ns < 1e6) return `${sig(ns / 1e3)} µs`;
  if (ns < 1e9) return `${sig(ns / 1e6)} ms`;
  return `${sig(ns / 1e9)} s`;
}

export function fmtBytes(b: number): string {
  if (!Number.isFinite(b)) return 'n/a';
  if (Math.abs(b) < 1024) return `${sig(b)} B`;
  if (Math.abs(b) < 1024 ** 2) return `${sig(b / 1024)} KiB`;
  if (Math.abs(b) < 1024 ** 3) return `${sig(b / 1024 ** 2)} MiB`;
  return `${sig(b / 1024 ** 3)} GiB`;
}

export function fmtValue(v: number | undefined, unit: string): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  if (unit === 'ns') return fmtNs(v);
  if (unit === 'ms') return fmtNs(v * 1e6);
  if (unit === 'bytes') return fmtBytes(v);
  if (unit === 'B/key') return `${fmtBytes(v)}/key`;
  return `${sig(v)} ${unit}`;
}

export function fmtSpeedup(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return 'n/a';
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}

export function fmtPct(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return 'n/a';
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}

export function statusLabel(r: Pick<RowResult, 'status' | 'minSpeedup'>): string {
  if (r.status === 'overhead') return `overhead (accepted ≥ ${r.minSpeedup}x)`;
  return r.status;
}

/** One plain line per row for the terminal and CI logs. */
export function plainLine(r: RowResult): string {
  if (r.status === 'FAILED' || r.status === 'skipped') return `${r.id}: ${r.status} - ${r.error ?? ''}`;
  return (
    `${r.id}: ${statusLabel(r)} ${fmtSpeedup(r.speedup)} ` +
    `(baseline ${fmtValue(r.baseline?.median, r.unit)}, shimmed ${fmtValue(r.accelerated?.median, r.unit)}, ` +
    `${(r.durationMs / 1000).toFixed(1)} s)`
  );
}
