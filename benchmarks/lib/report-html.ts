// The HTML report: one self-contained file (inline CSS, HTML bars, a few inline SVGs; no script,
// nothing fetched). Order: summary, one section per group, the before/after run, the details.
import type { BeforeAfterReport } from './before-after-report';
import { fmtBytes, fmtNs, fmtValue, statusLabel } from './format';
import { beforeAfterSection } from './report-html-ba';
import { barChart, COLORS, compact, esc, seriesChart, seriesLegend, speedupBars } from './report-charts';
import { READING } from './report-md';
import {
  areaTitle, beforeAfterHeadline, concurrencyMatrix, concurrencyOf, fmtRatio, groupsOf, headlines, improvementText,
  isMemory, isTimed, notesOf, pairsOf, throughputSeries, type Headline,
} from './report-model';
import type { ComprehensiveReport, RowResult } from './result';
import { STYLE } from './report-style';

export { esc };

const slug = (g: string) => `g-${g.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;

function card(h: Headline, href: string): string {
  const nf = h.notFaster.length
    ? `<p class="nf">Not faster:</p><ul>${h.notFaster.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>`
    : `<p class="nf ok">${esc(h.allGood)}</p>`;
  return (
    `<div class="card"><h3><a href="#${href}">${esc(h.title)}</a></h3><p class="figure">${esc(h.figure)}</p>` +
    `<p class="basis">${esc(h.basis)}</p>${h.memory ? `<p class="basis">${esc(h.memory)}</p>` : ''}${nf}</div>`
  );
}

/** "What is compared", once per group: a list for one pair, a table (a line per pair) for several. */
function pairsHtml(rows: RowResult[]): string {
  const pairs = pairsOf(rows);
  if (pairs.length === 1) {
    const p = pairs[0];
    return (
      `<div class="compared"><h3>What is compared</h3><dl class="pair"><dt>Baseline</dt><dd>${esc(p.baseline)}</dd>` +
      `<dt>Shimmed</dt><dd>${esc(p.shimmed)}</dd>${p.peers.length ? `<dt>Also timed</dt><dd>${esc(p.peers.join(' · '))}</dd>` : ''}</dl></div>`
    );
  }
  const body = pairs
    .map((p) => `<tr><td>${esc(p.rows.join(' · '))}</td><td>${esc(p.baseline)}</td><td>${esc(p.shimmed)}</td><td>${esc(p.peers.join(' · ') || '-')}</td></tr>`)
    .join('\n');
  return (
    '<div class="compared"><h3>What is compared</h3><table class="pairs"><thead><tr><th>Rows</th><th>Baseline</th><th>Shimmed</th>' +
    `<th>Also timed</th></tr></thead><tbody>\n${body}\n</tbody></table></div>`
  );
}

function rowTable(rows: RowResult[]): string {
  const body = rows
    .map((r) => {
      const bad = r.status === 'FAILED' || r.status === 'skipped';
      const dash = (s: string) => (bad ? '-' : esc(s));
      return (
        `<tr><td>${esc(r.name)}</td><td class="n">${dash(fmtValue(r.baseline?.median, r.unit))}</td>` +
        `<td class="n">${dash(fmtValue(r.accelerated?.median, r.unit))}</td><td class="n">${dash(fmtRatio(r.speedup))}</td>` +
        `<td class="n">${dash(improvementText(r))}</td><td><span class="badge" style="background:${COLORS[r.status]}">${esc(statusLabel(r))}</span>` +
        `${r.error ? `<div class="sub">${esc(r.error)}</div>` : ''}</td></tr>`
      );
    })
    .join('\n');
  return (
    '<table class="rows"><thead><tr><th>Function</th><th class="n">Baseline</th><th class="n">Shimmed</th><th class="n">Speedup</th>' +
    `<th class="n">Improvement</th><th>Status</th></tr></thead><tbody>\n${body}\n</tbody></table>`
  );
}

function matrixHtml(rows: RowResult[]): string {
  const m = concurrencyMatrix(rows);
  if (!m) return '';
  const cellOf = (r: RowResult | undefined) => {
    if (!r) return '<td></td>';
    const a = r.status === 'faster' ? Math.min(0.55, 0.12 + Math.log2(r.speedup!) / 6) : 0.25;
    const color = COLORS[r.status];
    const bg = `${color}${Math.round(a * 255).toString(16).padStart(2, '0')}`;
    const tag = r.status === 'faster' ? '' : ` <span class="sub">${esc(r.status)}</span>`;
    return `<td class="n" style="background:${bg}" title="${esc(`${r.name}: ${fmtValue(r.baseline?.median, r.unit)} → ${fmtValue(r.accelerated?.median, r.unit)}`)}">${esc(fmtRatio(r.speedup))}${tag}</td>`;
  };
  const head = `<tr><th>Row</th><th>Measure</th>${m.levels.map((c) => `<th class="n">${c} in flight</th>`).join('')}</tr>`;
  const body = m.lines.map((l) => `<tr><td>${esc(l.label)}</td><td>${esc(l.measure)}</td>${m.levels.map((c) => cellOf(l.cells.get(c))).join('')}</tr>`).join('\n');
  return `<h3>Speedup by concurrency</h3><table class="matrix"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

function memoryHtml(rows: RowResult[]): string {
  const mem = rows.filter((r) => isMemory(r) && r.baseline && r.accelerated);
  if (!mem.length) return '';
  const charts = mem
    .map((r) => {
      const bars = [
        { label: `${r.baselineName} (baseline)`, value: r.baseline!.median, color: COLORS.baseline },
        { label: `${r.acceleratedName} (shimmed)`, value: r.accelerated!.median, color: COLORS[r.status] },
        ...Object.entries(r.peers ?? {}).map(([k, v]) => ({ label: k, value: v.median, color: COLORS.peer })),
      ].map((b) => ({ ...b, text: fmtValue(b.value, r.unit) }));
      return barChart(bars, { caption: `${r.name}: ${improvementText(r)}`, tick: (t) => `${compact(t)} ${r.unit}`, valueWidth: '7.5em' });
    })
    .join('\n');
  return `<h3>Memory</h3><p class="sub">Apart from time: ${esc(mem[0].unit)}, smaller is better; each chart on its own scale.</p>\n${charts}`;
}

function notesHtml(rows: RowResult[]): string {
  const n = notesOf(rows);
  if (!n.common.length && !n.rows.length) return '';
  const items = [
    ...(n.common.length ? [`<li><b>Every row:</b> ${esc(n.common.join('; '))}</li>`] : []),
    ...n.rows.map((x) => `<li><b>${esc(x.names.join(', '))}:</b> ${esc(x.note)}</li>`),
  ];
  return `<details class="notes"><summary>Notes (${n.rows.length + (n.common.length ? 1 : 0)})</summary><ul>${items.join('')}</ul></details>`;
}

function groupSection(group: string, rows: RowResult[]): string {
  const inMatrix = new Set(concurrencyMatrix(rows) ? rows.filter((r) => concurrencyOf(r)) : []);
  const series = throughputSeries(rows);
  const timedRows = rows.filter((r) => isTimed(r) && !isMemory(r) && !inMatrix.has(r));
  const parts = [`<section id="${slug(group)}"><h2>${esc(areaTitle(group))}</h2>`, pairsHtml(rows)];
  if (series.length) {
    parts.push('<h3>Throughput by requests in flight</h3>', seriesLegend(series.find((s) => s.ceilingName)?.ceilingName));
    parts.push(`<div class="multiples">${series.map(seriesChart).join('\n')}</div>`);
  }
  parts.push(matrixHtml(rows));
  if (timedRows.length) parts.push(speedupBars(timedRows, 'Speedup (baseline cost / shimmed cost)'));
  const tableRows = rows.filter((r) => !inMatrix.has(r) && !isMemory(r));
  if (tableRows.length) parts.push(rowTable(tableRows));
  parts.push(memoryHtml(rows), notesHtml(rows), '</section>');
  return parts.filter(Boolean).join('\n');
}

/** Every side of every timed row: median, p99, ops/s, samples, the per-round spread. */
export function detailsTable(rows: readonly RowResult[]): string {
  const body: string[] = [];
  for (const r of rows) {
    if (!r.baseline || !r.accelerated) continue;
    const sides: [string, NonNullable<RowResult['baseline']>][] = [
      ['baseline', r.baseline],
      ['shimmed', r.accelerated],
      ...Object.entries(r.peers ?? {}).map(([k, v]) => [`peer ${k}${r.peerMismatch?.includes(k) ? ' (result differs)' : ''}`, v] as [string, typeof v]),
    ];
    const spread = r.roundRatios?.length ? `${fmtRatio(Math.min(...r.roundRatios))}–${fmtRatio(Math.max(...r.roundRatios))}` : '-';
    sides.forEach(([side, sum], i) => {
      const perItem = r.itemsPerOp && r.unit === 'ns' ? ` (${fmtNs(sum.median / r.itemsPerOp)}/item)` : '';
      // A throughput row is one figure per side: its p99 would only repeat the median.
      const p99 = r.higherIsBetter || sum.samples <= 1 ? '-' : fmtValue(sum.p99, r.unit);
      const lat = typeof sum.extra?.p99_ms === 'number' ? `p50 ${sum.extra.p50_ms} ms, p99 ${sum.extra.p99_ms} ms` : '';
      body.push(
        `<tr>${i === 0 ? `<td rowspan="${sides.length}">${esc(r.name)}</td>` : ''}<td>${esc(side)}</td>` +
          `<td class="n">${esc(fmtValue(sum.median, r.unit) + perItem)}</td><td class="n">${esc(p99)}</td>` +
          `<td class="n">${sum.opsPerSec === undefined ? '-' : Math.round(sum.opsPerSec).toLocaleString('en-US')}</td>` +
          `<td class="n">${sum.samples}</td><td>${esc(lat)}</td>${i === 0 ? `<td rowspan="${sides.length}">${esc(spread)}</td>` : ''}</tr>`,
      );
    });
  }
  return (
    '<table class="details"><thead><tr><th>Function</th><th>Side</th><th class="n">Median</th><th class="n">p99</th><th class="n">ops/s</th>' +
    `<th class="n">Samples</th><th>Request latency</th><th>Round speedups</th></tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>`
  );
}

export function renderHtml(rep: ComprehensiveReport, ba?: BeforeAfterReport): string {
  const m = rep.machine;
  const s = rep.summary;
  const groups = groupsOf(rep.rows);
  const cards = headlines(rep.rows).map((h) => card(h, slug(h.group)));
  if (ba) cards.push(card(beforeAfterHeadline(ba), 'before-after'));
  const toc = [['summary', 'Summary'], ...groups.map((g) => [slug(g.group), areaTitle(g.group)]), ...(ba ? [['before-after', 'Before/after']] : []), ['details', 'Details']];
  const gate = rep.gate
    ? `<p class="${rep.gate.passed ? 'ok' : 'bad'}">CI gate (tolerance ${rep.gate.tolerance}x): ${rep.gate.passed ? 'passed' : 'failed: ' + esc(rep.gate.failures.map((f) => `${f.id}: ${f.reason}`).join('; '))}</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fast-litellm comprehensive benchmark</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head><body>
<header><h1>fast-litellm comprehensive benchmark</h1>
<p class="meta">${esc(rep.startedAt)} · ${rep.options.quick ? 'quick run' : 'full run'} · ${(rep.durationMs / 1000).toFixed(0)} s · ${esc(`${m.cpuModel}, ${m.cores} cores, ${fmtBytes(m.memoryBytes)} RAM, ${m.os} ${m.arch}, Node ${m.node}, litellm ${m.litellmVersion ?? 'n/a'}, fast-litellm ${m.fastLitellmVersion ?? '?'} @ ${m.gitCommit?.slice(0, 12) ?? '?'}${m.gitDirty ? ' (uncommitted changes)' : ''}`)}</p>
<p class="meta">Rows ${s.total}: faster ${s.faster}, same ${s.same}, overhead ${s.overhead}, REGRESSION ${s.REGRESSION}, FAILED ${s.FAILED}, skipped ${s.skipped}.</p>
${gate}
<nav>${toc.map(([id, t]) => `<a href="#${id}">${esc(t)}</a>`).join('')}</nav></header>
<section id="summary"><h2>Summary</h2><p class="sub">One figure per area: the median speedup of its time and throughput rows (memory apart), and every row that is not faster, by name.</p>
<div class="cards">${cards.join('\n')}</div></section>
${groups.map((g) => groupSection(g.group, g.rows)).join('\n')}
${ba ? beforeAfterSection(ba) : ''}
<section id="details"><h2>Details</h2><details><summary>Every side of every row: median, p99, ops/s, samples, request latency, round speedups</summary>
${detailsTable(rep.rows)}</details>
<h3>How to read it</h3><p class="sub">${esc(READING)}</p></section>
</body></html>
`;
}
