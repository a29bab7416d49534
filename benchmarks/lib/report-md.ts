// The Markdown report, in the HTML report's order: the summary (one headline per area), a section
// per group (what is compared, once; the rows; rows at several concurrencies as a matrix; memory
// apart), the before/after run, then the figures behind it all.
import type { BeforeAfterReport } from './before-after-report';
import { renderBeforeAfterBody } from './before-after-report';
import { fmtBytes, fmtNs, fmtValue, statusLabel } from './format';
import {
  areaTitle, beforeAfterHeadline, concurrencyMatrix, concurrencyOf, fmtRatio, groupsOf, headlines, improvementText,
  isMemory, notesOf, pairsOf, throughputSeries, type Headline,
} from './report-model';
import type { ComprehensiveReport, RowResult } from './result';

/** Pipes and newlines would break a table cell. */
export function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function row(cells: string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function headlineRow(r: RowResult): string[] {
  if (r.status === 'FAILED' || r.status === 'skipped') return [r.name, '-', '-', '-', '-', `${r.status}: ${r.error ?? ''}`];
  const medians = [fmtValue(r.baseline?.median, r.unit), fmtValue(r.accelerated?.median, r.unit)];
  return [r.name, ...medians, fmtRatio(r.speedup), improvementText(r), statusLabel(r)];
}

function spread(r: RowResult): string {
  if (!r.roundRatios?.length) return '-';
  return `${fmtRatio(Math.min(...r.roundRatios))}–${fmtRatio(Math.max(...r.roundRatios))}`;
}

function opsPerSec(v?: number): string {
  return v === undefined ? '-' : Math.round(v).toLocaleString('en-US');
}

export const READING =
  'Baseline and Shimmed are medians (time per call, or the row\'s unit). Speedup is baseline cost / shimmed cost ' +
  '(shimmed / baseline for throughput), so above 1 is faster. Improvement is the change in the row\'s own ' +
  'direction: more throughput (+117% req/s is 2.17x), less time (−53.9% time is 2.17x) or less memory. ' +
  'Status: faster; same (within ±5%, or within ±10% with overlapping inter-quartile ranges); overhead (a row ' +
  'measuring an accepted cost, above its floor); REGRESSION; FAILED (equality check or error: nothing timed ' +
  'counts); skipped (prerequisite missing).';

function summaryLines(hs: Headline[]): string[] {
  return hs.map((h) => {
    const mem = h.memory ? `; ${h.memory}` : '';
    const nf = h.notFaster.length ? ` Not faster: ${h.notFaster.join('; ')}.` : ` ${h.allGood}`;
    return `- **${h.title}: ${h.figure}** (${h.basis}${mem}).${nf}`;
  });
}

function pairsLines(rows: RowResult[]): string[] {
  const pairs = pairsOf(rows);
  if (pairs.length === 1) {
    const p = pairs[0];
    return [`- baseline: ${p.baseline}`, `- shimmed: ${p.shimmed}`, ...(p.peers.length ? [`- also timed: ${p.peers.join(', ')}`] : [])];
  }
  return [
    row(['Rows', 'Baseline', 'Shimmed', 'Also timed']), '|---|---|---|---|',
    ...pairs.map((p) => row([p.rows.join('; '), p.baseline, p.shimmed, p.peers.join(', ') || '-'])),
  ];
}

function groupSection(group: string, rows: RowResult[]): string[] {
  const out: string[] = [`## ${areaTitle(group)}`, '', 'What is compared:', '', ...pairsLines(rows), ''];
  const matrix = concurrencyMatrix(rows);
  const inMatrix = new Set(matrix ? rows.filter((r) => concurrencyOf(r)) : []);
  const plain = rows.filter((r) => !inMatrix.has(r) && !isMemory(r));
  if (plain.length) {
    out.push(row(['Function', 'Baseline', 'Shimmed', 'Speedup', 'Improvement', 'Status']), '|---|---:|---:|---:|---:|---|');
    for (const r of plain) out.push(row(headlineRow(r)));
    out.push('');
  }
  if (matrix) {
    out.push('Speedup by concurrency (shimmed vs baseline; status other than faster in brackets):', '');
    out.push(row(['Row', ...matrix.levels.map((c) => `c=${c}`)]), `|---|${matrix.levels.map(() => '---:').join('|')}|`);
    for (const l of matrix.lines) {
      out.push(row([`${l.label}: ${l.measure}`, ...matrix.levels.map((c) => {
        const r = l.cells.get(c);
        if (!r) return '';
        return r.status === 'faster' ? fmtRatio(r.speedup) : `${fmtRatio(r.speedup)} (${r.status})`;
      })]));
    }
    out.push('');
    for (const s of throughputSeries(rows)) {
      out.push(`${s.label}, ${s.unit} by concurrency:`, '');
      const head = ['Concurrency', 'baseline', 'shimmed', ...(s.ceiling.length ? [s.ceilingName!] : [])];
      out.push(row(head), `|${head.map(() => '---:').join('|')}|`);
      s.plain.forEach(([c, v], i) => {
        const ceil = s.ceiling.find(([x]) => x === c)?.[1];
        const ceilCell = s.ceiling.length ? [fmtValue(ceil, s.unit)] : [];
        out.push(row([String(c), fmtValue(v, s.unit), fmtValue(s.shimmed[i][1], s.unit), ...ceilCell]));
      });
      out.push('');
    }
  }
  const mem = rows.filter(isMemory);
  if (mem.length) {
    out.push('Memory (apart from time; smaller is better):', '');
    out.push(row(['Function', 'Baseline', 'Shimmed', 'Others', 'Ratio', 'Improvement']), '|---|---:|---:|---|---:|---:|');
    for (const r of mem) {
      const others = Object.entries(r.peers ?? {}).map(([k, v]) => `${k} ${fmtValue(v.median, r.unit)}`).join('; ') || '-';
      const medians = [fmtValue(r.baseline?.median, r.unit), fmtValue(r.accelerated?.median, r.unit)];
      out.push(row([r.name, ...medians, others, fmtRatio(r.speedup), improvementText(r)]));
    }
    out.push('');
  }
  const notes = notesOf(rows);
  if (notes.common.length || notes.rows.length) {
    out.push('Notes:', '');
    if (notes.common.length) out.push(`- every row: ${notes.common.join('; ')}`);
    for (const n of notes.rows) out.push(`- **${n.names.join(', ')}**: ${n.note}`);
    out.push('');
  }
  return out;
}

function detailLines(rows: readonly RowResult[]): string[] {
  const out = [row(['Function', 'Side', 'Median', 'p99', 'ops/s', 'Samples', 'Round speedups', 'Extra']), '|---|---|---:|---:|---:|---:|---|---|'];
  for (const r of rows) {
    if (!r.baseline || !r.accelerated) continue;
    type Side = { label: string; key: string; sum: NonNullable<RowResult['baseline']> };
    const sides: Side[] = [
      { label: 'baseline', key: 'baseline', sum: r.baseline },
      { label: 'shimmed', key: 'accelerated', sum: r.accelerated },
      ...Object.entries(r.peers ?? {}).map(([k, sum]) => ({ label: `peer ${k}${r.peerMismatch?.includes(k) ? ' (result differs)' : ''}`, key: `peer:${k}`, sum })),
    ];
    sides.forEach(({ label, key, sum }, i) => {
      const perItem = r.itemsPerOp && r.unit === 'ns' ? ` (${fmtNs(sum.median / r.itemsPerOp)}/item)` : '';
      const batch = r.batch?.[key];
      const extra = [
        ...(batch && batch > 1 ? [`batch ${batch}`] : []),
        ...Object.entries(sum.extra ?? {}).map(([k, v]) => `${k}=${typeof v === 'number' && /rss|heap|bytes|mem/i.test(k) ? fmtBytes(v) : v}`),
      ].join(', ');
      // A throughput row is one figure per side: a p99 of it would only repeat the median.
      const p99 = r.higherIsBetter || sum.samples <= 1 ? '-' : fmtValue(sum.p99, r.unit);
      out.push(row([i === 0 ? r.name : '', label, fmtValue(sum.median, r.unit) + perItem, p99, opsPerSec(sum.opsPerSec), String(sum.samples), i === 0 ? spread(r) : '', extra || '-']));
    });
  }
  return out;
}

export function renderMarkdown(rep: ComprehensiveReport, ba?: BeforeAfterReport): string {
  const m = rep.machine;
  const s = rep.summary;
  const out: string[] = ['# fast-litellm comprehensive benchmark', ''];
  out.push(
    `${rep.startedAt} · ${rep.options.quick ? 'quick run' : 'full run'}` +
      `${rep.options.only.length ? ` · only ${rep.options.only.join(', ')}` : ''} · ${(rep.durationMs / 1000).toFixed(0)} s`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${fmtBytes(m.memoryBytes)} RAM, ${m.os} ${m.arch}; ` +
      `Node ${m.node}; litellm ${m.litellmVersion ?? 'not installed'}; fast-litellm ${m.fastLitellmVersion ?? '?'} ` +
      `at ${m.gitCommit ? m.gitCommit.slice(0, 12) : 'unknown commit'}${m.gitDirty ? ' (with uncommitted changes)' : ''}; ` +
      `load average at start ${m.loadAverage.join(' / ')}.`,
    '',
    `Rows: ${s.total} · faster ${s.faster} · same ${s.same} · overhead ${s.overhead} · REGRESSION ${s.REGRESSION} · FAILED ${s.FAILED} · skipped ${s.skipped}`,
  );
  if (rep.gate) {
    out.push('', rep.gate.passed
      ? `CI gate (tolerance ${rep.gate.tolerance}x): passed.`
      : `CI gate (tolerance ${rep.gate.tolerance}x): **failed** — ${rep.gate.failures.map((f) => `${f.id}: ${f.reason}`).join('; ')}`);
  }
  out.push('', '## Summary', '', ...summaryLines([...headlines(rep.rows), ...(ba ? [beforeAfterHeadline(ba)] : [])]), '');
  for (const g of groupsOf(rep.rows)) out.push(...groupSection(g.group, g.rows));
  if (ba) out.push('## Before/after: the same app, plain node vs the shim', '', ...renderBeforeAfterBody(ba), '');
  out.push('## Details', '', ...detailLines(rep.rows), '', '## How to read it', '', READING, '');
  return out.join('\n');
}
