// Summaries of measurements (the `summary` of an export) and their terminal rendering.
import type { Measurement } from './clients';
import { describe, type Describe } from './stats';

export interface Summary {
  requests: number;
  successful: number;
  failed: number;
  /** successful / requests, 0..1 */
  success_rate: number;
  errors: Record<string, number>;
  status_codes: Record<string, number>;
  latency_ms: Describe | null;
  ttfb_ms: Describe | null;
  ttft_ms: Describe | null;
  tokens_per_sec: Describe | null;
  decode_tokens_per_sec: Describe | null;
  total_tokens: number;
  tokens_source: 'usage' | 'counted' | 'mixed' | null;
  // Flat copies under the names the Python profiling scripts export.
  mean_latency_ms: number | null;
  median_latency_ms: number | null;
  p95_latency_ms: number | null;
  p99_latency_ms: number | null;
  /** Throughput runs: wall time and successful requests per second over it. */
  duration_s?: number;
  rps?: number;
  interrupted?: boolean;
}

export function summarize(ms: Measurement[], wallSeconds?: number): Summary {
  const ok = ms.filter((m) => m.ok);
  const errors: Record<string, number> = {};
  const codes: Record<string, number> = {};
  for (const m of ms) {
    if (m.error) errors[m.error] = (errors[m.error] ?? 0) + 1;
    if (m.status !== null) codes[m.status] = (codes[m.status] ?? 0) + 1;
  }
  const sources = new Set(ok.map((m) => m.tokens_source));
  const latency = describe(ok.map((m) => m.latency_ms));
  const s: Summary = {
    requests: ms.length,
    successful: ok.length,
    failed: ms.length - ok.length,
    success_rate: ms.length ? ok.length / ms.length : 0,
    errors,
    status_codes: codes,
    latency_ms: latency,
    ttfb_ms: describe(ok.flatMap((m) => (m.ttfb_ms === null ? [] : [m.ttfb_ms]))),
    ttft_ms: describe(ok.flatMap((m) => (m.ttft_ms === null ? [] : [m.ttft_ms]))),
    tokens_per_sec: describe(ok.flatMap((m) => (m.tokens_per_sec === null ? [] : [m.tokens_per_sec]))),
    decode_tokens_per_sec: describe(ok.flatMap((m) => (m.decode_tokens_per_sec === null ? [] : [m.decode_tokens_per_sec]))),
    total_tokens: ok.reduce((a, m) => a + (m.tokens ?? 0), 0),
    tokens_source: sources.size === 0 ? null : sources.size > 1 ? 'mixed' : ([...sources][0] as 'usage' | 'counted'),
    mean_latency_ms: latency?.mean ?? null,
    median_latency_ms: latency?.median ?? null,
    p95_latency_ms: latency?.p95 ?? null,
    p99_latency_ms: latency?.p99 ?? null,
  };
  if (wallSeconds !== undefined) {
    s.duration_s = Math.round(wallSeconds * 1000) / 1000;
    s.rps = wallSeconds > 0 ? Math.round((ok.length / wallSeconds) * 100) / 100 : 0;
  }
  return s;
}

export const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Text table: the first `textCols` columns are left-aligned, the figures right-aligned. */
export function table(headers: string[], rows: Array<Array<string | number>>, textCols = 1): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < textCols ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.slice(1).map(line)].join('\n');
}

function block(title: string, d: Describe | null): string {
  if (!d) return `${title}: no data`;
  const rows: Array<[string, number]> = [
    ['Mean', d.mean], ['Median', d.median], ['Std Dev', d.stddev], ['Min', d.min], ['Max', d.max],
    ['P50', d.p50], ['P90', d.p90], ['P95', d.p95], ['P99', d.p99],
  ];
  return [title, ...rows.map(([k, v]) => `   ${k.padEnd(8)}: ${fmt(v, 2).padStart(10)}`)].join('\n');
}

export function errorsLine(s: Summary): string {
  const parts = Object.entries(s.errors).map(([k, v]) => `${k} ${v}`);
  return parts.length ? `Errors: ${parts.join(', ')}` : 'Errors: none';
}

export function tokensNote(s: Summary): string {
  if (s.tokens_source === 'counted' || s.tokens_source === 'mixed') {
    return 'Tokens: counted with fast-litellm countTokens (cl100k_base) where the server reported no usage';
  }
  return s.tokens_source === 'usage' ? 'Tokens: as reported by the server (usage.completion_tokens)' : '';
}

export function renderLatency(s: Summary): string {
  const out = [
    `Success rate: ${s.successful}/${s.requests} (${pct(s.success_rate)})`,
    errorsLine(s),
    '',
    block('Total latency (ms):', s.latency_ms),
    '',
    block('Time to first byte, TTFB (ms):', s.ttfb_ms),
  ];
  if (s.ttft_ms) out.push('', block('Time to first token, TTFT (ms):', s.ttft_ms));
  out.push('', block('Tokens/s (tokens / total latency):', s.tokens_per_sec));
  if (s.decode_tokens_per_sec) out.push('', block('Generation tokens/s (after the first token):', s.decode_tokens_per_sec));
  const note = tokensNote(s);
  if (note) out.push('', note);
  return out.join('\n');
}
