// One precision rule for every figure the profiler prints: 3 significant digits, in the unit that fits
// (µs / ms / s for times), thousands grouped. The JSON export keeps the raw numbers.

/** 3 significant digits (trailing zeros kept), no exponent: 0.0123, 1.20, 12.3, 123, 1,230, 12,300. */
export function sig3(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  if (x === 0) return '0';
  const r = Number(x.toPrecision(3));
  return Math.abs(r) >= 1000 ? Math.round(r).toLocaleString('en-US') : r.toPrecision(3);
}

/** A duration given in ms, in µs below 1 ms, in s from 1000 ms: '850 µs', '12.3 ms', '1.23 s'. */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  const a = Math.abs(ms);
  if (a === 0) return '0 ms';
  // Rounding may carry into the next unit (999.7 µs -> 1,000 µs): decide on the rounded value.
  if (Number(a.toPrecision(3)) < 1) return `${sig3(ms * 1000)} µs`;
  if (Number(a.toPrecision(3)) < 1000) return `${sig3(ms)} ms`;
  return `${sig3(ms / 1000)} s`;
}

/** A rate with its unit: '1,230 req/s', '45.6 tok/s'. */
export function fmtRate(x: number | null | undefined, unit: string): string {
  const s = sig3(x);
  return s === '-' ? s : `${s} ${unit}`;
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Text table: the first `textCols` columns left-aligned, the figures right-aligned, two spaces apart,
 * indented by two; a dashed rule under the header.
 */
export function table(headers: string[], rows: Array<Array<string | number>>, textCols = 1): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    '  ' + r.map((c, i) => (i < textCols ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(cells[0]), '  ' + widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A paragraph broken at spaces so that no line passes `width` columns (a longer word stays whole). */
export function wrap(text: string, width = 100): string {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    if (cur && cur.length + 1 + word.length > width) {
      out.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) out.push(cur);
  return out.join('\n');
}
