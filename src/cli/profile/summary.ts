// Summaries of measurements (the `summary` of an export) and their terminal rendering.
import type { Measurement } from './clients';
import { describe, type Describe } from './stats';
import { fmtMs, pct, sig3, table } from './format';

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

/** One measure of each request that has it (TTFT, say, is null for requests not streamed). */
const measured = (ms: Measurement[], pick: (m: Measurement) => number | null): number[] =>
  ms.flatMap((m) => {
    const v = pick(m);
    return v === null ? [] : [v];
  });

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
    ttfb_ms: describe(measured(ok, (m) => m.ttfb_ms)),
    ttft_ms: describe(measured(ok, (m) => m.ttft_ms)),
    tokens_per_sec: describe(measured(ok, (m) => m.tokens_per_sec)),
    decode_tokens_per_sec: describe(measured(ok, (m) => m.decode_tokens_per_sec)),
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

/** 'Success rate: 9/10 (90.0%), errors: rate_limited 1' */
export function successLine(s: Summary): string {
  return `Success rate: ${s.successful}/${s.requests} (${pct(s.success_rate)}), ${errorsText(s)}`;
}

export function errorsText(s: Summary): string {
  const parts = Object.entries(s.errors).map(([k, v]) => `${k} ${v}`);
  return parts.length ? `errors: ${parts.join(', ')}` : 'errors: none';
}

export function tokensNote(s: Summary): string {
  if (s.tokens_source === 'counted' || s.tokens_source === 'mixed') {
    return 'Tokens: counted with fast-litellm countTokens (cl100k_base) where the server reported no usage.';
  }
  return s.tokens_source === 'usage' ? 'Tokens: as reported by the server (usage.completion_tokens).' : '';
}

/** The statistics of a run as one compact table: one line per measure, one column per statistic. */
export function statsTable(s: Summary): string {
  const measures: Array<[string, Describe | null, (x: number) => string]> = [
    ['latency', s.latency_ms, fmtMs],
    ['TTFB', s.ttfb_ms, fmtMs],
    ['TTFT', s.ttft_ms, fmtMs],
    ['tokens/s', s.tokens_per_sec, sig3],
    ['gen. tokens/s', s.decode_tokens_per_sec, sig3],
  ];
  const rows = measures
    .filter(([, d]) => d !== null)
    .map(([name, d, f]) => [name, f(d!.median), f(d!.p95), f(d!.p99), f(d!.mean), f(d!.min), f(d!.max), f(d!.stddev)]);
  if (rows.length === 0) return '  no successful request';
  return table(['', 'median', 'p95', 'p99', 'mean', 'min', 'max', 'stddev'], rows);
}
