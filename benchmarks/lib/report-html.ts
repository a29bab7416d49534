// The HTML report: one self-contained file (inline CSS and SVG, nothing fetched from the network).
import type { ComprehensiveReport, RowResult, Status } from './result';
import { fmtBytes, fmtNs, fmtPct, fmtSpeedup, fmtValue, statusLabel } from './format';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const COLORS: Record<Status, string> = {
  faster: '#2e7d32',
  same: '#757575',
  overhead: '#ef6c00',
  REGRESSION: '#c62828',
  FAILED: '#c62828',
  skipped: '#9e9e9e',
};

const LABEL_W = 300;
const PLOT_W = 460;
const BAR_H = 18;
const GAP = 6;

function timed(rows: readonly RowResult[]): RowResult[] {
  return rows.filter((r) => r.speedup !== undefined && Number.isFinite(r.speedup) && r.speedup > 0);
}

export function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

function pct(c: number): string {
  if (!Number.isFinite(c)) return 'n/a';
  return c >= 0.01 ? `${Math.round(c * 100)}%` : `${Number((c * 100).toPrecision(2))}%`;
}

/** 2^t as '8x' or '1/8x'. */
export function tickLabel(t: number): string {
  return t >= 0 ? `${2 ** t}x` : `1/${2 ** -t}x`;
}

/** Speedup per row on a log2 axis centred on 1x: right of the line is faster. */
export function speedupChart(rows: readonly RowResult[]): string {
  const list = timed(rows);
  if (!list.length) return '<p>No timed rows.</p>';
  const logs = list.map((r) => Math.log2(r.speedup!));
  // The axis spans the data and always shows the 1x line; at most ~8 labelled ticks.
  const lo = Math.min(-1, Math.floor(Math.min(...logs)));
  const hi = Math.max(1, Math.ceil(Math.max(...logs)));
  const x = (l: number) => LABEL_W + 10 + ((l - lo) / (hi - lo)) * (PLOT_W - 70);
  const height = list.length * (BAR_H + GAP) + 30;
  const parts: string[] = [];
  const step = Math.max(1, Math.ceil((hi - lo) / 8));
  const ticks = new Set<number>([0]);
  for (let t = 0; t <= hi; t += step) ticks.add(t);
  for (let t = 0; t >= lo; t -= step) ticks.add(t);
  for (const t of [...ticks].sort((a, b) => a - b)) {
    const px = x(t);
    parts.push(`<line x1="${px}" y1="0" x2="${px}" y2="${height - 20}" stroke="${t === 0 ? '#333' : '#ddd'}"/>`);
    parts.push(`<text x="${px}" y="${height - 6}" text-anchor="middle" class="tick">${esc(tickLabel(t))}</text>`);
  }
  list.forEach((r, i) => {
    const y = i * (BAR_H + GAP);
    const l = Math.log2(r.speedup!);
    const x0 = Math.min(x(0), x(l));
    const w = Math.max(1, Math.abs(x(l) - x(0)));
    parts.push(`<text x="${LABEL_W - 8}" y="${y + BAR_H - 5}" text-anchor="end"><title>${esc(r.name)}</title>${esc(clip(r.name, 46))}</text>`);
    parts.push(
      `<rect x="${x0}" y="${y}" width="${w}" height="${BAR_H}" fill="${COLORS[r.status]}">` +
        `<title>${esc(`${r.name}: ${fmtSpeedup(r.speedup)} (${r.status})`)}</title></rect>`,
    );
    const tx = l >= 0 ? x0 + w + 4 : x0 - 4;
    parts.push(`<text x="${tx}" y="${y + BAR_H - 5}" text-anchor="${l >= 0 ? 'start' : 'end'}">${esc(fmtSpeedup(r.speedup))}</text>`);
  });
  const width = LABEL_W + PLOT_W + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Speedup per function">${parts.join('')}</svg>`;
}

/** Cost of every contender relative to the baseline (100%), per row; shorter is better. */
export function costChart(r: RowResult): string {
  if (!r.baseline || !r.accelerated) return '';
  const cost = (v: number) => (r.higherIsBetter ? r.baseline!.median / v : v / r.baseline!.median);
  const bars: [string, number, string][] = [
    ['baseline', 1, '#90a4ae'],
    ['shimmed', cost(r.accelerated.median), COLORS[r.status]],
    ...Object.entries(r.peers ?? {}).map(([k, s]) => [k, cost(s.median), '#b0bec5'] as [string, number, string]),
  ];
  const max = Math.max(...bars.map((b) => b[1]).filter(Number.isFinite), 1);
  const w = 160 + 320 + 70;
  const h = bars.length * (14 + 4) + 4;
  const body = bars
    .map(([name, c, color], i) => {
      const y = i * 18;
      const bw = Number.isFinite(c) ? Math.max(1, (c / max) * 320) : 0;
      return (
        `<text x="152" y="${y + 11}" text-anchor="end">${esc(clip(name, 24))}</text>` +
        `<rect x="160" y="${y}" width="${bw}" height="14" fill="${color}"/>` +
        `<text x="${164 + bw}" y="${y + 11}">${pct(c)}</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(`Relative cost: ${r.name}`)}">${body}</svg>`;
}

/** p99, throughput, samples and the per-round spread of every side, as in the Markdown details. */
export function detailsTable(rows: readonly RowResult[]): string {
  const body: string[] = [];
  for (const r of rows) {
    if (!r.baseline || !r.accelerated) continue;
    const sides: [string, NonNullable<RowResult['baseline']>][] = [
      ['baseline', r.baseline],
      ['shimmed', r.accelerated],
      ...Object.entries(r.peers ?? {}).map(([k, v]) => [`peer ${k}${r.peerMismatch?.includes(k) ? ' (result differs)' : ''}`, v] as [string, typeof v]),
    ];
    const spread = r.roundRatios?.length ? `${fmtSpeedup(Math.min(...r.roundRatios))}–${fmtSpeedup(Math.max(...r.roundRatios))}` : '-';
    sides.forEach(([side, sum], i) => {
      const perItem = r.itemsPerOp && r.unit === 'ns' ? ` (${fmtNs(sum.median / r.itemsPerOp)}/item)` : '';
      body.push(
        `<tr>${i === 0 ? `<td rowspan="${sides.length}">${esc(r.name)}</td>` : ''}<td>${esc(side)}</td>` +
          `<td class="n">${esc(fmtValue(sum.median, r.unit) + perItem)}</td><td class="n">${esc(fmtValue(sum.p99, r.unit))}</td>` +
          `<td class="n">${sum.opsPerSec === undefined ? '-' : Math.round(sum.opsPerSec).toLocaleString('en-US')}</td>` +
          `<td class="n">${sum.samples}</td>${i === 0 ? `<td rowspan="${sides.length}">${esc(spread)}</td>` : ''}</tr>`,
      );
    });
  }
  return (
    '<table><thead><tr><th>Function</th><th>Side</th><th>Median</th><th>p99</th><th>ops/s</th><th>Samples</th>' +
    `<th>Round speedups</th></tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>`
  );
}

export function renderHtml(rep: ComprehensiveReport): string {
  const m = rep.machine;
  const rows = rep.rows
    .map((r) => {
      const bad = r.status === 'FAILED' || r.status === 'skipped';
      return (
        `<tr class="s-${esc(r.status)}"><td>${esc(r.name)}<div class="sub">${esc(r.baselineName)} → ${esc(r.acceleratedName)}</div></td>` +
        `<td class="n">${bad ? '-' : esc(fmtValue(r.baseline?.median, r.unit))}</td>` +
        `<td class="n">${bad ? '-' : esc(fmtValue(r.accelerated?.median, r.unit))}</td>` +
        `<td class="n">${bad ? '-' : esc(fmtSpeedup(r.speedup))}</td>` +
        `<td class="n">${bad ? '-' : esc(fmtPct(r.improvementPct))}</td>` +
        `<td><span class="badge" style="background:${COLORS[r.status]}">${esc(statusLabel(r))}</span>` +
        `${r.error ? `<div class="sub">${esc(r.error)}</div>` : ''}${r.note ? `<div class="sub">${esc(r.note)}</div>` : ''}</td></tr>`
      );
    })
    .join('\n');
  const details = timed(rep.rows)
    .map((r) => `<figure><figcaption>${esc(r.name)} <span class="sub">relative cost, baseline = 100%</span></figcaption>${costChart(r)}</figure>`)
    .join('\n');
  const s = rep.summary;
  const gate = rep.gate
    ? `<p class="${rep.gate.passed ? 'ok' : 'bad'}">CI gate (tolerance ${rep.gate.tolerance}x): ${rep.gate.passed ? 'passed' : 'failed: ' + esc(rep.gate.failures.map((f) => `${f.id}: ${f.reason}`).join('; '))}</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fast-litellm comprehensive benchmark</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #e0e0e0;padding:.35rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.sub{color:#666;font-size:12px}
.badge{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px;white-space:nowrap}
svg text{font:12px system-ui,sans-serif;fill:#222}svg .tick{fill:#666;font-size:11px}
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.25rem}.ok{color:#2e7d32}.bad{color:#c62828;font-weight:600}
</style></head><body>
<h1>fast-litellm comprehensive benchmark</h1>
<p>${esc(rep.startedAt)} · ${rep.options.quick ? 'quick run' : 'full run'} · ${(rep.durationMs / 1000).toFixed(0)} s<br>
${esc(`${m.cpuModel}, ${m.cores} cores, ${fmtBytes(m.memoryBytes)} RAM, ${m.os} ${m.arch}, Node ${m.node}, litellm ${m.litellmVersion ?? 'n/a'}, fast-litellm ${m.fastLitellmVersion ?? '?'} @ ${m.gitCommit?.slice(0, 12) ?? '?'}${m.gitDirty ? ' (uncommitted changes)' : ''}`)}</p>
<p>Rows ${s.total}: faster ${s.faster}, same ${s.same}, overhead ${s.overhead}, REGRESSION ${s.REGRESSION}, FAILED ${s.FAILED}, skipped ${s.skipped}.</p>
${gate}
<h2>Speedup (baseline cost / shimmed cost, log scale)</h2>
${speedupChart(rep.rows)}
<h2>Table</h2>
<table><thead><tr><th>Function</th><th>Baseline</th><th>Shimmed</th><th>Speedup</th><th>Improvement</th><th>Status</th></tr></thead><tbody>
${rows}
</tbody></table>
<p class="sub">Medians. Speedup above 1 is faster; improvement is the share of the baseline's cost saved (1 − 1/speedup).
same = within ±5%, or ±10% with overlapping inter-quartile ranges. FAILED = equality check or error; nothing timed counts.</p>
<h2>Per function</h2>
${details}
<h2>Details</h2>
${detailsTable(rep.rows)}
</body></html>
`;
}
