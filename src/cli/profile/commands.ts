// The latency and throughput commands. Each returns { measurements, summary } for the export and
// prints a compact human report through io unless --json. compare lives in compare.ts.
import type { Measurement } from './clients';
import type { Context } from './context';
import type { LatencyOpts, ThroughputOpts } from './options';
import { fmtMs, fmtRate, pct, sig3, table, wrap } from './format';
import { runRequests } from './runner';
import { statsTable, successLine, summarize, tokensNote, type Summary } from './summary';

export interface CommandResult {
  measurements: Measurement[];
  summary: Record<string, unknown>;
}

export const line = (ctx: Context, s = '') => {
  if (!ctx.json) ctx.io.out(s + '\n');
};

/** What the run talks to, in one line. */
export function targetLine(ctx: Context): string {
  const target = ctx.opts.mock ? 'the embedded mock' : ctx.url;
  return `${target} · via ${ctx.cfg.via}${ctx.accelerated ? ' (accelerated)' : ''} · ${ctx.cfg.stream ? 'streamed' : 'not streamed'}`;
}

export const MOCK_NOTE =
  'Note: the target is the embedded mock with no latency and no token pacing: it answers at once, so the times ' +
  "are this client's own cost and tokens/s says nothing about a model. Give it --mock-latency-ms, --mock-ttft-ms " +
  'or --mock-tokens-per-sec to model one.';

/** Closing notes: where the token counts came from, and the zero-latency mock. */
export function closingNotes(ctx: Context, s: Summary): string[] {
  return [tokensNote(s), ...(ctx.zeroLatencyMock ? [MOCK_NOTE] : [])].filter(Boolean).map((n) => wrap(n));
}

// Per-request rows are printed as requests finish, so the columns have fixed widths.
const REQ_COLS: Array<[string, number]> = [['request', 7], ['latency', 9], ['TTFB', 9], ['TTFT', 9], ['tokens', 6], ['tokens/s', 8]];

function cells(values: string[]): string {
  return '  ' + values.map((v, i) => v.padStart(REQ_COLS[i]?.[1] ?? 0)).join('  ');
}

export function requestHeader(): string {
  return cells(REQ_COLS.map(([h]) => h));
}

export function requestRow(m: Measurement, label: string): string {
  if (!m.ok) return `${cells([label, fmtMs(m.latency_ms)])}  FAILED: ${m.error}${m.status ? ` ${m.status}` : ''}`;
  const times = [fmtMs(m.latency_ms), fmtMs(m.ttfb_ms), fmtMs(m.ttft_ms)];
  return cells([label, ...times, String(m.tokens), sig3(m.tokens_per_sec)]);
}

export async function latencyCommand(ctx: Context<LatencyOpts>): Promise<CommandResult> {
  const { opts } = ctx;
  line(ctx, `Latency: ${opts.iterations} requests, one at a time, after ${opts.warmup} warm-up · model ${opts.model}`);
  line(ctx, `  ${targetLine(ctx)}`);
  if (opts.warmup > 0) await runRequests({ ...ctx.run, models: [opts.model], count: opts.warmup, concurrency: 1 });
  line(ctx, '');
  line(ctx, requestHeader());
  const runStart = performance.now();
  const ms = await runRequests({
    ...ctx.run, runStart, models: [opts.model], count: opts.iterations, concurrency: 1,
    onDone: (m) => line(ctx, requestRow(m, String(m.index + 1))),
  });
  const summary = summarize(ms);
  line(ctx, '');
  line(ctx, 'Summary');
  line(ctx, statsTable(summary));
  line(ctx, '');
  line(ctx, successLine(summary));
  for (const n of closingNotes(ctx, summary)) line(ctx, n);
  return { measurements: ms, summary: summary as unknown as Record<string, unknown> };
}

interface Level {
  concurrency: number;
  requests: number;
  rps: number;
  success_rate: number;
  median_latency_ms: number | null;
  p95_latency_ms: number | null;
}

async function oneThroughput(
  ctx: Context<ThroughputOpts>,
  concurrency: number,
  requests: number,
  firstIndex: number,
): Promise<{ ms: Measurement[]; s: Summary }> {
  const t0 = performance.now();
  let done = 0;
  let ok = 0;
  const progress = () => {
    const el = (performance.now() - t0) / 1000;
    return `  Progress: ${String(done).padStart(5)}/${requests} (${pct(done ? ok / done : 0).padStart(6)} success, ${fmtRate(el > 0 ? ok / el : 0, 'req/s').padStart(12)})`;
  };
  // One updating line on a terminal; nothing when piped, so logs stay clean.
  const live = ctx.io.isTTY && !ctx.json;
  const timer = live ? setInterval(() => ctx.io.out(`\r${progress()}`), 200) : undefined;
  timer?.unref();
  const ms = await runRequests({
    ...ctx.run, runStart: ctx.run.runStart, models: [ctx.opts.model], count: requests, concurrency, firstIndex,
    onDone: (m) => {
      done++;
      if (m.ok) ok++;
    },
  });
  if (timer) clearInterval(timer);
  if (live) ctx.io.out(`\r${progress()}\n`);
  return { ms, s: summarize(ms, (performance.now() - t0) / 1000) };
}

/** Where adding concurrency stops paying: the first level whose RPS gains < 10% over the best so far. */
export function plateauOf(levels: Level[]): number | null {
  let best = levels[0];
  for (const l of levels.slice(1)) {
    if (l.rps < best.rps * 1.1) return best.concurrency;
    best = l;
  }
  return null;
}

export async function throughputCommand(ctx: Context<ThroughputOpts>): Promise<CommandResult> {
  const { opts } = ctx;
  const sweep: number[] | undefined = opts.sweep?.map(Number);
  if (!sweep) {
    line(ctx, `Throughput: ${opts.requests} requests, ${opts.concurrency} in flight · model ${opts.model}`);
    line(ctx, `  ${targetLine(ctx)}`);
    const { ms, s } = await oneThroughput(ctx, opts.concurrency, opts.requests, 0);
    line(ctx, '');
    line(ctx, table(
      ['requests', 'ok', 'failed', 'duration', 'req/s (ok)'],
      [[s.requests, s.successful, s.failed, fmtMs((s.duration_s ?? 0) * 1000), sig3(s.rps)]],
      0,
    ));
    line(ctx, '');
    line(ctx, statsTable(s));
    line(ctx, '');
    line(ctx, successLine(s));
    for (const n of closingNotes(ctx, s)) line(ctx, n);
    return { measurements: ms, summary: { ...s, concurrency: opts.concurrency } };
  }
  line(ctx, `Concurrency sweep: ${opts.requests} requests per level, levels ${sweep.join(', ')} · model ${opts.model}`);
  line(ctx, `  ${targetLine(ctx)}`);
  const all: Measurement[] = [];
  const levels: Level[] = [];
  for (const c of sweep) {
    if (ctx.run.stop.aborted) break;
    const { ms, s } = await oneThroughput(ctx, c, opts.requests, all.length);
    all.push(...ms);
    levels.push({
      concurrency: c, requests: s.requests, rps: s.rps ?? 0, success_rate: s.success_rate,
      median_latency_ms: s.latency_ms?.median ?? null, p95_latency_ms: s.latency_ms?.p95 ?? null,
    });
    line(ctx, `  concurrency ${c}: ${fmtRate(s.rps, 'req/s')}, median ${fmtMs(s.latency_ms?.median)}, success ${pct(s.success_rate)}`);
  }
  const total = summarize(all);
  line(ctx, '');
  line(ctx, table(
    ['concurrency', 'req/s', 'median', 'p95', 'success'],
    levels.map((l) => [
      l.concurrency, sig3(l.rps), fmtMs(l.median_latency_ms), fmtMs(l.p95_latency_ms), pct(l.success_rate),
    ]),
    0,
  ));
  const best = levels.reduce<Level | undefined>((a, l) => (!a || l.rps > a.rps ? l : a), undefined);
  const plateau = levels.length ? plateauOf(levels) : null;
  line(ctx, '');
  if (best) line(ctx, `Optimal concurrency: ~${best.concurrency} (${fmtRate(best.rps, 'req/s')}, the highest).`);
  line(ctx, plateau === null
    ? 'Throughput still grew (>= 10% per step) up to the last level: try higher concurrency.'
    : `Throughput stops growing after concurrency ${plateau} (the next level gains < 10%).`);
  for (const n of closingNotes(ctx, total)) line(ctx, n);
  return {
    measurements: all,
    summary: { ...total, levels, optimal_concurrency: best?.concurrency ?? null, plateau_concurrency: plateau },
  };
}
