// Charts of the HTML report. Bars are HTML (labels wrap in their own box, never clipped); only the
// req/s-vs-concurrency lines are SVG, with few labels placed apart by construction.
import { fmtValue } from './format';
import { fmtRatio, type Series } from './report-model';
import { ratioTick, scaleFor, type Scale } from './report-scale';
import type { Status } from './result';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const COLORS: Record<Status | 'baseline' | 'peer' | 'ceiling', string> = {
  faster: '#2e7d32',
  same: '#757575',
  overhead: '#ef6c00',
  REGRESSION: '#c62828',
  FAILED: '#c62828',
  skipped: '#9e9e9e',
  baseline: '#90a4ae',
  peer: '#b0bec5',
  ceiling: '#1565c0',
};

export interface Bar {
  label: string;
  value: number;
  /** Printed at the end of the bar. */
  text: string;
  color: string;
  /** Tooltip. */
  title?: string;
}

const pctOf = (x: number) => `${(x * 100).toFixed(2)}%`;

function ticksHtml(scale: Scale, tick: (t: number) => string): string {
  const n = scale.ticks.length;
  return scale.ticks
    .map((t, i) => {
      // The end ticks hang inwards so that no label passes the track's edges.
      const cls = i === 0 ? 'tick first' : i === n - 1 ? 'tick last' : 'tick';
      return `<span class="${cls}" style="left:${pctOf(scale.at(t))}">${esc(tick(t))}</span>`;
    })
    .join('');
}

/**
 * Horizontal bars on one scale: label | track | value. `mark` draws a reference line (1x). The scale
 * is linear from 0 unless the values span more than a factor of 20 (then log by decades).
 */
export interface BarChartOptions {
  caption: string;
  mark?: number;
  tick?: (t: number) => string;
  valueWidth?: string;
}

export function barChart(bars: Bar[], o: BarChartOptions): string {
  if (bars.length === 0) return '';
  const scale = scaleFor(bars.map((b) => b.value), { include: o.mark ? [o.mark] : [] });
  const tick = o.tick ?? ratioTick;
  const from = scale.kind === 'log' ? scale.min : 0;
  const rows = bars
    .map((b) => {
      const w = Math.max(0.003, scale.at(b.value) - scale.at(from));
      const mark = o.mark ? `<span class="mark" style="left:${pctOf(scale.at(o.mark))}"></span>` : '';
      return (
        `<div class="bar-row"><div class="label">${esc(b.label)}</div>` +
        `<div class="track"><span class="bar" style="width:${pctOf(w)};background:${b.color}" title="${esc(b.title ?? `${b.label}: ${b.text}`)}"></span>${mark}</div>` +
        `<div class="value">${esc(b.text)}</div></div>`
      );
    })
    .join('\n');
  const scaleText = scale.kind === 'log' ? 'log scale (the values span decades)' : 'linear scale';
  return (
    `<figure class="chart" style="--value-width:${o.valueWidth ?? '6em'}"><figcaption>${esc(o.caption)} <span class="sub">${scaleText}` +
    `${o.mark ? `; the line marks ${esc(tick(o.mark))}` : ''}</span></figcaption>\n${rows}\n` +
    `<div class="bar-row axis"><div class="label"></div><div class="track ticks">${ticksHtml(scale, tick)}</div><div class="value"></div></div></figure>`
  );
}

/** Speedup bars of rows, coloured by status, with the 1x line. */
export function speedupBars(rows: Array<{ name: string; speedup?: number; status: Status }>, caption: string): string {
  return barChart(
    rows.map((r) => ({ label: r.name, value: r.speedup!, text: fmtRatio(r.speedup), color: COLORS[r.status], title: `${r.name}: ${fmtRatio(r.speedup)} (${r.status})` })),
    { caption, mark: 1 },
  );
}

/** '12.3k', '850', '1.5M': y-axis labels of a rate. */
export function compact(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

const W = 460;
const H = 220;
const M = { left: 52, right: 14, top: 12, bottom: 40 };

/** One family's req/s by concurrency: baseline, shimmed and the raw ceiling as lines. */
export function seriesChart(s: Series): string {
  const levels = [...new Set(s.plain.map(([c]) => c))].sort((a, b) => a - b);
  const ys = [...s.plain, ...s.shimmed, ...s.ceiling].map(([, v]) => v);
  // Linear from 0: one value given, so the scale never turns log.
  const lin = scaleFor([Math.max(...ys)], { maxTicks: 4 });
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (c: number) => M.left + (levels.length === 1 ? pw / 2 : (levels.indexOf(c) / (levels.length - 1)) * pw);
  const y = (v: number) => M.top + ph * (1 - lin.at(v));
  const parts: string[] = [];
  for (const t of lin.ticks) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end" class="tick">${compact(t)}</text>`);
  }
  for (const c of levels) parts.push(`<text x="${x(c)}" y="${H - M.bottom + 16}" text-anchor="middle" class="tick">${c}</text>`);
  parts.push(`<text x="${M.left + pw / 2}" y="${H - 6}" text-anchor="middle" class="tick">requests in flight</text>`);
  const line = (pts: Array<[number, number]>, color: string, name: string, dash = '') => {
    if (!pts.length) return;
    const d = pts.map(([c, v], i) => `${i ? 'L' : 'M'}${x(c).toFixed(1)},${y(v).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    for (const [c, v] of pts) {
      parts.push(`<circle cx="${x(c).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5" fill="${color}"><title>${esc(`${name}, ${c} in flight: ${fmtValue(v, s.unit)}`)}</title></circle>`);
    }
  };
  line(s.ceiling, COLORS.ceiling, s.ceilingName ?? 'ceiling', '5 4');
  line(s.plain, COLORS.baseline, 'baseline');
  line(s.shimmed, COLORS.faster, 'shimmed');
  const last = levels[levels.length - 1];
  const gain = (s.shimmed.find(([c]) => c === last)?.[1] ?? NaN) / (s.plain.find(([c]) => c === last)?.[1] ?? NaN);
  return (
    `<figure class="series"><figcaption>${esc(s.label)} <span class="sub">${esc(s.unit)}; at ${last} in flight ${fmtRatio(gain)}</span></figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" ` +
    `aria-label="${esc(`${s.label}: ${s.unit} by requests in flight`)}">${parts.join('')}</svg></figure>`
  );
}

export function seriesLegend(ceilingName?: string): string {
  const item = (color: string, text: string, dash = false) =>
    `<span class="key"><span class="swatch${dash ? ' dashed' : ''}" style="border-color:${color}"></span>${esc(text)}</span>`;
  return `<p class="legend">${item(COLORS.baseline, 'baseline (plain)')}${item(COLORS.faster, 'shimmed')}${ceilingName ? item(COLORS.ceiling, `${ceilingName} (raw client, no SDK)`, true) : ''}</p>`;
}
