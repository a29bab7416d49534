// The Markdown report: the headline table, then what each side is, then the figures behind it.
import type { ComprehensiveReport, RowResult } from './result';
import { fmtBytes, fmtNs, fmtPct, fmtSpeedup, fmtValue, statusLabel } from './format';

/** Pipes and newlines would break a table cell. */
export function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function row(cells: string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function headline(r: RowResult): string[] {
  if (r.status === 'FAILED' || r.status === 'skipped') {
    return [r.name, '-', '-', '-', '-', `${r.status}: ${r.error ?? ''}`];
  }
  return [
    r.name,
    fmtValue(r.baseline?.median, r.unit),
    fmtValue(r.accelerated?.median, r.unit),
    fmtSpeedup(r.speedup),
    fmtPct(r.improvementPct),
    statusLabel(r),
  ];
}

function spread(r: RowResult): string {
  if (!r.roundRatios?.length) return '-';
  const min = Math.min(...r.roundRatios);
  const max = Math.max(...r.roundRatios);
  return `${fmtSpeedup(min)}–${fmtSpeedup(max)}`;
}

function opsPerSec(v?: number): string {
  return v === undefined ? '-' : Math.round(v).toLocaleString('en-US');
}

export function renderMarkdown(rep: ComprehensiveReport): string {
  const m = rep.machine;
  const out: string[] = [];
  out.push(`# fast-litellm comprehensive benchmark`);
  out.push('');
  out.push(
    `${rep.startedAt} · ${rep.options.quick ? 'quick run' : 'full run'}` +
      `${rep.options.only.length ? ` · only ${rep.options.only.join(', ')}` : ''} · ${(rep.durationMs / 1000).toFixed(0)} s`,
  );
  out.push('');
  out.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${fmtBytes(m.memoryBytes)} RAM, ${m.os} ${m.arch}; ` +
      `Node ${m.node}; litellm ${m.litellmVersion ?? 'not installed'}; fast-litellm ${m.fastLitellmVersion ?? '?'} ` +
      `at ${m.gitCommit ? m.gitCommit.slice(0, 12) : 'unknown commit'}${m.gitDirty ? ' (with uncommitted changes)' : ''}; ` +
      `load average at start ${m.loadAverage.join(' / ')}.`,
  );
  out.push('');
  const s = rep.summary;
  out.push(
    `Rows: ${s.total} · faster ${s.faster} · same ${s.same} · overhead ${s.overhead} · ` +
      `REGRESSION ${s.REGRESSION} · FAILED ${s.FAILED} · skipped ${s.skipped}`,
  );
  if (rep.gate) {
    out.push('');
    out.push(
      rep.gate.passed
        ? `CI gate (tolerance ${rep.gate.tolerance}x): passed.`
        : `CI gate (tolerance ${rep.gate.tolerance}x): **failed** — ` +
            rep.gate.failures.map((f) => `${f.id}: ${f.reason}`).join('; '),
    );
  }
  out.push('');
  out.push(row(['Function', 'Baseline', 'Shimmed', 'Speedup', 'Improvement', 'Status']));
  out.push('|---|---:|---:|---:|---:|---|');
  for (const r of rep.rows) out.push(row(headline(r)));
  out.push('');
  out.push(
    'Baseline and Shimmed are medians (time per call, or the row\'s unit). Speedup is baseline cost / ' +
      'shimmed cost (inverse for throughput), so above 1 is faster. Improvement is the share of the ' +
      "baseline's cost saved, 1 − 1/speedup. Status: faster; same (within ±5%, or within ±10% with " +
      'overlapping inter-quartile ranges); overhead (a row measuring an accepted cost, above its floor); ' +
      'REGRESSION; FAILED (equality check or error: nothing timed counts); skipped (prerequisite missing).',
  );
  out.push('');
  out.push('## What is compared');
  out.push('');
  out.push(row(['Function', 'Baseline', 'Shimmed']));
  out.push('|---|---|---|');
  for (const r of rep.rows) out.push(row([r.name, r.baselineName, r.acceleratedName]));
  out.push('');
  out.push('## Details');
  out.push('');
  out.push(row(['Function', 'Side', 'Median', 'p99', 'ops/s', 'Samples', 'Round speedups', 'Extra']));
  out.push('|---|---|---:|---:|---:|---:|---|---|');
  for (const r of rep.rows) {
    if (!r.baseline || !r.accelerated) continue;
    type Side = { label: string; key: string; sum: NonNullable<RowResult['baseline']> };
    const sides: Side[] = [
      { label: 'baseline', key: 'baseline', sum: r.baseline },
      { label: 'shimmed', key: 'accelerated', sum: r.accelerated },
      ...Object.entries(r.peers ?? {}).map(([k, sum]) => ({
        label: `peer ${k}${r.peerMismatch?.includes(k) ? ' (result differs)' : ''}`,
        key: `peer:${k}`,
        sum,
      })),
    ];
    sides.forEach(({ label: side, key, sum }, i) => {
      const perItem = r.itemsPerOp && r.unit === 'ns' ? ` (${fmtNs(sum.median / r.itemsPerOp)}/item)` : '';
      const batch = r.batch?.[key];
      const extra = [
        ...(batch && batch > 1 ? [`batch ${batch}`] : []),
        ...Object.entries(sum.extra ?? {}).map(([k, v]) => `${k}=${typeof v === 'number' && /rss|heap|bytes|mem/i.test(k) ? fmtBytes(v) : v}`),
      ].join(', ');
      out.push(
        row([
          i === 0 ? r.name : '',
          side,
          fmtValue(sum.median, r.unit) + perItem,
          fmtValue(sum.p99, r.unit),
          opsPerSec(sum.opsPerSec),
          String(sum.samples),
          i === 0 ? spread(r) : '',
          extra || '-',
        ]),
      );
    });
  }
  const notes = rep.rows.filter((r) => r.note || r.firstAttempt || r.peerMismatch);
  if (notes.length) {
    out.push('');
    out.push('## Notes');
    out.push('');
    for (const r of notes) {
      const parts: string[] = [];
      if (r.note) parts.push(r.note);
      if (r.peerMismatch) parts.push(`peer results differ from the baseline: ${r.peerMismatch.join(', ')}`);
      if (r.firstAttempt) {
        parts.push(`re-measured by the CI gate; first attempt ${fmtSpeedup(r.firstAttempt.speedup)} (${r.firstAttempt.status})`);
      }
      out.push(`- **${r.name}**: ${parts.join('; ')}`);
    }
  }
  out.push('');
  return out.join('\n');
}
