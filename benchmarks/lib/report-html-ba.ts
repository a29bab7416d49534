// The before/after run as a section of the HTML report: what ran, a gain per metric on its own
// linear scale, the figures, and latency per request kind.
import { fmt, kindTable, verdict, type BeforeAfterReport } from './before-after-report';
import { fmtBytes } from './format';
import { barChart, COLORS, esc } from './report-charts';
import { fmtRatio } from './report-model';

/** A shimmed latency cell, marked when it is worse than plain (beyond 5%). */
function shimCell(plain: number, shim: number): string {
  const worse = Number.isFinite(plain) && Number.isFinite(shim) && shim > plain * 1.05;
  return `<td class="n${worse ? ' worse' : ''}">${esc(fmt(shim, 'ms'))}${worse ? ' (worse)' : ''}</td>`;
}

export function beforeAfterSection(r: BeforeAfterReport): string {
  const m = r.machine;
  const bars = r.metrics
    .filter((x) => Number.isFinite(x.gain) && x.gain > 0)
    .map((x) => ({
      label: x.label,
      value: x.gain,
      text: fmtRatio(x.gain),
      color: x.gain >= 1.05 ? COLORS.faster : x.gain > 0.95 ? COLORS.same : COLORS.REGRESSION,
      title: `${x.label}: ${fmt(x.plain, x.unit)} → ${fmt(x.shimmed, x.unit)} (${verdict(x)})`,
    }));
  const rows = r.metrics
    .map((x) =>
      `<tr><td>${esc(x.label)}</td><td class="n">${esc(fmt(x.plain, x.unit))}</td><td class="n">${esc(fmt(x.shimmed, x.unit))}</td>` +
      `<td class="n">${x.ratio.toFixed(2)}</td><td>${esc(x.pairRatios.map((v) => v.toFixed(2)).join(', '))}</td><td>${esc(verdict(x))}</td></tr>`)
    .join('\n');
  const kinds = kindTable(r);
  const first = kinds.some((k) => k.firstPlain !== undefined);
  const kindRows = kinds
    .map((k) =>
      `<tr><td>${esc(k.kind)}</td><td class="n">${k.n}</td><td class="n">${esc(fmt(k.p50Plain, 'ms'))}</td>${shimCell(k.p50Plain, k.p50Shimmed)}` +
      `<td class="n">${esc(fmt(k.p99Plain, 'ms'))}</td>${shimCell(k.p99Plain, k.p99Shimmed)}` +
      `${first ? `<td class="n">${esc(fmt(k.firstPlain ?? NaN, 'ms'))}</td>${shimCell(k.firstPlain ?? NaN, k.firstShimmed ?? NaN)}` : ''}</tr>`)
    .join('\n');
  const kindTableHtml = kinds.length
    ? '<table class="kinds"><thead><tr><th>Request kind</th><th class="n">n per run</th><th class="n">p50 plain</th><th class="n">p50 shimmed</th>' +
      `<th class="n">p99 plain</th><th class="n">p99 shimmed</th>${first ? '<th class="n">first call plain</th><th class="n">first call shimmed</th>' : ''}</tr></thead>` +
      `<tbody>\n${kindRows}\n</tbody></table>`
    : '';
  return `<section id="before-after"><h2>Before/after: the same app, plain node vs the shim</h2>
<p class="meta">${esc(r.startedAt)} · ${r.runs.plain.length} alternating pairs · ${(r.durationMs / 1000).toFixed(0)} s · ${esc(`${m.cpuModel}, ${m.cores} cores, ${fmtBytes(m.memoryBytes)} RAM, Node ${m.node}, fast-litellm @ ${m.gitCommit?.slice(0, 12) ?? '?'}${m.gitDirty ? ' (uncommitted changes)' : ''}`)}</p>
<div class="compared"><h3>What is compared</h3><dl><div class="pair"><dt>Workload</dt><dd>${esc(`${r.workload.script}: ${r.workload.users} concurrent users × ${r.workload.turns} turns (chat completions, Ollama streams, embeddings) against the embedded mock server in its own process, which answers at once: the figures are the client-side cost`)}</dd>
<dt>Baseline</dt><dd><code>${esc(r.commands.plain)}</code></dd><dt>Shimmed</dt><dd><code>${esc(r.commands.shimmed)}</code></dd>
<dt>Outputs</dt><dd class="${r.outputsEqual ? 'ok' : 'bad'}">${r.outputsEqual ? 'equal: the same checksum of every answer and usage figure in every run' : 'DIFFERENT between plain and shimmed runs'}</dd></div></dl></div>
${r.errors.length ? `<p class="bad">${esc(r.errors.join('; '))}</p>` : ''}
${barChart(bars, { caption: 'Gain per metric (plain / shimmed, inverse for throughput; above 1 is better)', mark: 1 })}
<table class="metrics"><thead><tr><th>Metric</th><th class="n">plain node</th><th class="n">with fast-litellm</th><th class="n">ratio (shim / plain)</th><th>per pair</th><th>verdict</th></tr></thead><tbody>
${rows}
</tbody></table>
${kindTableHtml}
<p class="sub">Medians over the pairs; the ratio is the median of the per-pair ratios (each pair ran back to back, order alternating). Startup is the time from process start to the first line after importing litellm (the shim's hook included). verdict: better/worse beyond ±5%, else same.</p>
</section>`;
}
