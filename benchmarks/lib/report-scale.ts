// The axis of a report chart: linear from 0 while the values are within a factor of 20, log by
// decades beyond, and the labels of its ticks.

export interface Scale {
  kind: 'linear' | 'log';
  min: number;
  max: number;
  ticks: number[];
  /** 0..1 position of v on the axis. */
  at(v: number): number;
}

function niceStep(span: number, maxTicks: number): number {
  const raw = span / maxTicks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/**
 * Linear from 0 when the values (and 1x) are within a factor of 20 of each other, so small ratios
 * keep their proportions; log10 by decades only when they span more.
 */
export function scaleFor(values: number[], opts: { include?: number[]; maxTicks?: number } = {}): Scale {
  const vs = [...values, ...(opts.include ?? [])].filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  const maxTicks = opts.maxTicks ?? 6;
  if (hi / lo <= 20) {
    const step = niceStep(hi, maxTicks);
    const max = Math.ceil((hi * 1.02) / step) * step;
    const ticks: number[] = [];
    for (let t = 0; t <= max + step / 2; t += step) ticks.push(Number(t.toPrecision(6)));
    return { kind: 'linear', min: 0, max, ticks, at: (v) => Math.max(0, Math.min(1, v / max)) };
  }
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const every = Math.max(1, Math.ceil((b - a) / maxTicks));
  const ticks: number[] = [];
  for (let e = a; e <= b; e += every) ticks.push(10 ** e);
  return { kind: 'log', min: 10 ** a, max: 10 ** b, ticks, at: (v) => Math.max(0, Math.min(1, (Math.log10(v) - a) / (b - a))) };
}

/** Axis label of a ratio tick: '0x', '2.5x', '1,000x', '0.1x', '100kx' (short enough for a decade's room at 720 px). */
export function ratioTick(t: number): string {
  if (t >= 10_000) return `${Math.round(t / 1000).toLocaleString('en-US')}kx`;
  return `${t >= 1000 ? Math.round(t).toLocaleString('en-US') : Number(t.toPrecision(3))}x`;
}
