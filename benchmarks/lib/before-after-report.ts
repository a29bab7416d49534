// Pure part of the before/after run: per-metric medians and per-pair ratios, and the Markdown.
import type { MachineInfo } from './machine';
import { fmtBytes } from './format';
import { quantile } from './stats';

/** What benchmarks/workload/chat-app.mjs prints, plus the process time seen from outside. */
export interface WorkloadRun {
  startupMs: number;
  wallMs: number;
  requests: number;
  errors: number;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  cpuMs: number;
  cpuTotalMs: number;
  maxRssKB: number;
  checksum: string;
  /** Spawn to exit, measured by the parent (node boot + startup + work + exit). */
  processMs: number;
  byKind?: Record<string, KindFigures>;
}

export interface KindFigures {
  n: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Latency of the first request of this kind in the run, when the workload reports it. */
  firstMs?: number | null;
}

export interface Metric {
  key: keyof WorkloadRun;
  label: string;
  unit: 'ms' | 'req/s' | 'KB';
  higherIsBetter: boolean;
}

export const METRICS: Metric[] = [
  { key: 'startupMs', label: 'Startup (import litellm, + hook)', unit: 'ms', higherIsBetter: false },
  { key: 'processMs', label: 'Process time, spawn to exit', unit: 'ms', higherIsBetter: false },
  { key: 'wallMs', label: 'Workload wall time', unit: 'ms', higherIsBetter: false },
  { key: 'throughput', label: 'Throughput', unit: 'req/s', higherIsBetter: true },
  { key: 'p50Ms', label: 'Latency p50', unit: 'ms', higherIsBetter: false },
  { key: 'p99Ms', label: 'Latency p99', unit: 'ms', higherIsBetter: false },
  { key: 'cpuMs', label: 'CPU time, workload', unit: 'ms', higherIsBetter: false },
  { key: 'cpuTotalMs', label: 'CPU time, whole process', unit: 'ms', higherIsBetter: false },
  { key: 'maxRssKB', label: 'Peak RSS', unit: 'KB', higherIsBetter: false },
];

export interface MetricSummary {
  key: string;
  label: string;
  unit: string;
  higherIsBetter: boolean;
  plain: number;
  shimmed: number;
  /** shimmed / plain, per pair, in run order. */
  pairRatios: number[];
  /** Median of the per-pair ratios (shimmed / plain). */
  ratio: number;
  /** > 1 when the shimmed run is better on this metric. */
  gain: number;
}

export interface BeforeAfterReport {
  schema: 'fast-litellm.before-after/1';
  startedAt: string;
  durationMs: number;
  machine: MachineInfo;
  workload: { script: string; users: number; turns: number; mock: Record<string, unknown> };
  commands: { plain: string; shimmed: string };
  runs: { plain: WorkloadRun[]; shimmed: WorkloadRun[] };
  metrics: MetricSummary[];
  /** Every answer and usage figure hashed: equal means the shim changed no result. */
  outputsEqual: boolean;
  errors: string[];
}

function all(r: BeforeAfterReport): WorkloadRun[] {
  return [...r.runs.plain, ...r.runs.shimmed];
}

function median(xs: number[]): number {
  return quantile([...xs].sort((a, b) => a - b), 0.5);
}

export function summarizePairs(plain: WorkloadRun[], shimmed: WorkloadRun[]): MetricSummary[] {
  const n = Math.min(plain.length, shimmed.length);
  return METRICS.map((m) => {
    const p = plain.slice(0, n).map((r) => Number(r[m.key]));
    const s = shimmed.slice(0, n).map((r) => Number(r[m.key]));
    const pairRatios = p.map((x, i) => s[i] / x);
    const ratio = median(pairRatios);
    return {
      key: m.key,
      label: m.label,
      unit: m.unit,
      higherIsBetter: m.higherIsBetter,
      plain: median(p),
      shimmed: median(s),
      pairRatios,
      ratio,
      gain: m.higherIsBetter ? ratio : 1 / ratio,
    };
  });
}

export function fmt(v: number, unit: string): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (unit === 'KB') return fmtBytes(v * 1024);
  if (unit === 'ms') return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`;
  return `${v.toFixed(1)} ${unit}`;
}

export function verdict(m: MetricSummary): string {
  if (!Number.isFinite(m.gain)) return 'n/a';
  if (Math.abs(m.gain - 1) <= 0.05) return 'same';
  return m.gain > 1 ? `better (${m.gain.toFixed(2)}x)` : `worse (${(1 / m.gain).toFixed(2)}x)`;
}

export function renderBeforeAfterMd(r: BeforeAfterReport): string {
  return ['# fast-litellm before/after: the same chat app, plain node vs the shim', '', ...renderBeforeAfterBody(r)].join('\n');
}

/** Everything below the title (the comprehensive report includes it as a section). */
export function renderBeforeAfterBody(r: BeforeAfterReport): string[] {
  const m = r.machine;
  const out: string[] = [];
  out.push(
    `${r.startedAt} · ${r.runs.plain.length} alternating pairs · ${(r.durationMs / 1000).toFixed(0)} s · ` +
      `${m.cpuModel}, ${m.cores} cores, ${fmtBytes(m.memoryBytes)} RAM, ${m.os}, Node ${m.node}, ` +
      `litellm ${m.litellmVersion ?? 'n/a'}, fast-litellm ${m.fastLitellmVersion ?? '?'} @ ${m.gitCommit?.slice(0, 12) ?? '?'}`,
  );
  out.push('');
  out.push(
    `Workload: \`${r.workload.script}\`, ${r.workload.users} concurrent users × ${r.workload.turns} turns ` +
      '(OpenAI-compatible chat completions, Ollama streaming every other turn, one embedding per turn) against ' +
      `the embedded mock server in its own process (${JSON.stringify(r.workload.mock)}; it answers at once, so ` +
      'the figures are the client-side cost, the part the shim can change).',
  );
  out.push('');
  out.push(`- plain: \`${r.commands.plain}\``);
  out.push(`- shimmed: \`${r.commands.shimmed}\``);
  out.push(
    `- outputs: ${r.outputsEqual ? 'equal (same checksum of every answer and usage figure in every run)' : '**DIFFERENT between plain and shimmed runs**'}`,
  );
  if (r.errors.length) out.push(`- errors: ${r.errors.join('; ')}`);
  out.push('');
  out.push('| Metric | plain node | with fast-litellm | ratio (shim / plain) | per pair | verdict |');
  out.push('|---|---:|---:|---:|---|---|');
  for (const x of r.metrics) {
    out.push(
      `| ${x.label} | ${fmt(x.plain, x.unit)} | ${fmt(x.shimmed, x.unit)} | ${x.ratio.toFixed(2)} | ` +
        `${x.pairRatios.map((v) => v.toFixed(2)).join(', ')} | ${verdict(x)} |`,
    );
  }
  const kinds = kindTable(r);
  if (kinds.length) {
    const first = kinds.some((k) => k.firstPlain !== undefined);
    out.push('');
    out.push(`| Request kind | n per run | p50 plain | p50 shimmed | p99 plain | p99 shimmed |${first ? ' first call plain | first call shimmed |' : ''}`);
    out.push(`|---|---:|---:|---:|---:|---:|${first ? '---:|---:|' : ''}`);
    for (const k of kinds) {
      out.push(
        `| ${k.kind} | ${k.n} | ${fmt(k.p50Plain, 'ms')} | ${fmt(k.p50Shimmed, 'ms')} | ` +
          `${fmt(k.p99Plain, 'ms')} | ${fmt(k.p99Shimmed, 'ms')} |${first ? ` ${fmt(k.firstPlain ?? NaN, 'ms')} | ${fmt(k.firstShimmed ?? NaN, 'ms')} |` : ''}`,
      );
    }
  }
  out.push('');
  out.push(
    'Medians over the pairs; the ratio is the median of the per-pair ratios (each pair ran back to back, ' +
      'order alternating). Startup is the time from process start to the first line after `import ... from ' +
      "'litellm'` (the shim's hook included). verdict: better/worse beyond ±5%, else same.",
  );
  out.push('');
  return out;
}

export interface KindRow {
  kind: string;
  n: number;
  p50Plain: number;
  p50Shimmed: number;
  p99Plain: number;
  p99Shimmed: number;
  firstPlain?: number;
  firstShimmed?: number;
}

/** Per request kind: medians over the runs of each side. */
export function kindTable(r: BeforeAfterReport): KindRow[] {
  const kinds = [...new Set(all(r).flatMap((x) => Object.keys(x.byKind ?? {})))];
  const pick = (runs: WorkloadRun[], k: string, f: 'p50Ms' | 'p99Ms' | 'firstMs') => median(runs.map((x) => x.byKind?.[k]?.[f] ?? NaN));
  return kinds.map((k) => {
    const hasFirst = all(r).some((x) => typeof x.byKind?.[k]?.firstMs === 'number');
    return {
      kind: k,
      n: r.runs.plain[0]?.byKind?.[k]?.n ?? 0,
      p50Plain: pick(r.runs.plain, k, 'p50Ms'),
      p50Shimmed: pick(r.runs.shimmed, k, 'p50Ms'),
      p99Plain: pick(r.runs.plain, k, 'p99Ms'),
      p99Shimmed: pick(r.runs.shimmed, k, 'p99Ms'),
      ...(hasFirst ? { firstPlain: pick(r.runs.plain, k, 'firstMs'), firstShimmed: pick(r.runs.shimmed, k, 'firstMs') } : {}),
    };
  });
}
