// The three profiling commands. Each returns { measurements, summary } for the export and prints
// a human report through io unless --json.
import type { Measurement } from './clients';
import { runRequests } from './runner';
import { fmt, pct, renderLatency, summarize, table, errorsLine, tokensNote, type Summary } from './summary';
import type { Context } from './context';

export interface CommandResult {
  measurements: Measurement[];
  summary: Record<string, unknown>;
}

const line = (ctx: Context, s = '') => {
  if (!ctx.json) ctx.io.out(s + '\n');
};
const rule = (ctx: Context, title: string) => {
  line(ctx, '');
  line(ctx, '='.repeat(80));
  line(ctx, title);
  line(ctx, '='.repeat(80));
};

function requestLine(m: Measurement, label: string): string {
  if (!m.ok) return `   ${label}: ${fmt(m.latency_ms, 0).padStart(7)}ms FAILED (${m.error}${m.status ? ` ${m.status}` : ''})`;
  const ttfb = m.ttfb_ms === null ? '' : `TTFB: ${fmt(m.ttfb_ms, 0).padStart(5)}ms, `;
  const ttft = m.ttft_ms === null ? '' : `TTFT: ${fmt(m.ttft_ms, 0).padStart(5)}ms, `;
  return `   ${label}: ${fmt(m.latency_ms, 0).padStart(7)}ms (${ttfb}${ttft}Tokens: ${String(m.tokens).padStart(4)}, Speed: ${fmt(m.tokens_per_sec).padStart(7)} t/s) ok`;
}

export async function latencyCommand(ctx: Context): Promise<CommandResult> {
  const { opts } = ctx;
  line(ctx, 'Latency profiler');
  line(ctx, `   URL: ${ctx.url}   via: ${ctx.cfg.via}${ctx.accelerated ? ' (accelerated)' : ''}   stream: ${ctx.cfg.stream}`);
  line(ctx, `   Model: ${opts.model}   Iterations: ${opts.iterations} (+ ${opts.warmup} warmup)`);
  if (opts.warmup > 0) {
    line(ctx, `\nWarmup (${opts.warmup} requests)...`);
    await runRequests({
      ...ctx.run, models: [opts.model], count: opts.warmup, concurrency: 1,
      onDone: (m) => line(ctx, requestLine(m, `Warmup ${m.index + 1}`)),
    });
  }
  line(ctx, `\nProfiling (${opts.iterations} requests)...`);
  const runStart = performance.now();
  const ms = await runRequests({
    ...ctx.run, runStart, models: [opts.model], count: opts.iterations, concurrency: 1,
    onDone: (m) => line(ctx, requestLine(m, `Request ${String(m.index + 1).padStart(3)}/${opts.iterations}`)),
  });
  const summary = summarize(ms);
  rule(ctx, 'STATISTICS');
  line(ctx, renderLatency(summary));
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

async function oneThroughput(ctx: Context, concurrency: number, requests: number, firstIndex: number): Promise<{ ms: Measurement[]; s: Summary }> {
  const t0 = performance.now();
  let done = 0;
  let ok = 0;
  const progress = () => {
    const el = (performance.now() - t0) / 1000;
    return `   Progress: ${String(done).padStart(5)}/${requests} (${pct(done ? ok / done : 0).padStart(6)} success, ${fmt(el > 0 ? ok / el : 0, 2).padStart(8)} req/s)`;
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

function renderThroughput(s: Summary): string {
  return [
    'Requests:',
    `   Total:      ${s.requests}`,
    `   Successful: ${s.successful} (${pct(s.success_rate)})`,
    `   Failed:     ${s.failed} (${pct(s.requests ? s.failed / s.requests : 0)})`,
    `   ${errorsLine(s)}`,
    '',
    'Throughput:',
    `   Duration:   ${fmt(s.duration_s, 2)} seconds`,
    `   RPS:        ${fmt(s.rps, 2)} requests/second (successful)`,
    '',
    'Latency (ms):',
    `   Mean:       ${fmt(s.latency_ms?.mean, 1)}`,
    `   Median:     ${fmt(s.latency_ms?.median, 1)}`,
    `   P95:        ${fmt(s.latency_ms?.p95, 1)}`,
    `   P99:        ${fmt(s.latency_ms?.p99, 1)}`,
  ].join('\n');
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

export async function throughputCommand(ctx: Context): Promise<CommandResult> {
  const { opts } = ctx;
  const sweep: number[] | undefined = opts.sweep?.map(Number);
  const head = sweep ? 'Concurrency sweep' : 'Throughput test';
  line(ctx, head);
  line(ctx, `   URL: ${ctx.url}   via: ${ctx.cfg.via}${ctx.accelerated ? ' (accelerated)' : ''}   stream: ${ctx.cfg.stream}   Model: ${opts.model}`);
  if (!sweep) {
    line(ctx, `   Total requests: ${opts.requests}   Concurrency: ${opts.concurrency}\n`);
    const { ms, s } = await oneThroughput(ctx, opts.concurrency, opts.requests, 0);
    rule(ctx, 'THROUGHPUT RESULTS');
    line(ctx, renderThroughput(s));
    const note = tokensNote(s);
    if (note) line(ctx, `\n${note}`);
    return { measurements: ms, summary: { ...s, concurrency: opts.concurrency } };
  }
  line(ctx, `   Requests per level: ${opts.requests}   Levels: ${sweep.join(', ')}`);
  const all: Measurement[] = [];
  const levels: Level[] = [];
  for (const c of sweep) {
    if (ctx.run.stop.aborted) break;
    line(ctx, `\n-- concurrency ${c}`);
    const { ms, s } = await oneThroughput(ctx, c, opts.requests, all.length);
    all.push(...ms);
    levels.push({
      concurrency: c, requests: s.requests, rps: s.rps ?? 0, success_rate: s.success_rate,
      median_latency_ms: s.latency_ms?.median ?? null, p95_latency_ms: s.latency_ms?.p95 ?? null,
    });
    line(ctx, `   ${fmt(s.rps, 2)} req/s, median ${fmt(s.latency_ms?.median, 0)} ms, success ${pct(s.success_rate)}`);
  }
  const total = summarize(all);
  rule(ctx, 'CONCURRENCY SWEEP SUMMARY');
  line(ctx, table(
    ['Concurrency', 'RPS', 'Median (ms)', 'P95 (ms)', 'Success'],
    levels.map((l) => [l.concurrency, fmt(l.rps, 2), fmt(l.median_latency_ms, 0), fmt(l.p95_latency_ms, 0), pct(l.success_rate)]),
    0,
  ));
  const best = levels.reduce<Level | undefined>((a, l) => (!a || l.rps > a.rps ? l : a), undefined);
  const plateau = levels.length ? plateauOf(levels) : null;
  line(ctx, '');
  if (best) line(ctx, `Optimal concurrency: ~${best.concurrency} (${fmt(best.rps, 2)} req/s)`);
  line(ctx, plateau === null
    ? 'Throughput still grew (>= 10% per step) up to the last level: try higher concurrency.'
    : `Throughput stops growing after concurrency ${plateau} (the next level gains < 10%).`);
  return {
    measurements: all,
    summary: { ...total, levels, optimal_concurrency: best?.concurrency ?? null, plateau_concurrency: plateau },
  };
}

export function providerOf(model: string): string {
  const slash = model.indexOf('/');
  if (slash > 0) return model.slice(0, slash);
  if (/^(gpt-|o\d|text-)/.test(model)) return 'openai';
  if (model.startsWith('claude')) return 'anthropic';
  if (model.startsWith('command')) return 'cohere';
  if (model.startsWith('j2-')) return 'ai21';
  return 'default';
}

export async function compareCommand(ctx: Context): Promise<CommandResult> {
  const { opts } = ctx;
  const models: string[] = opts.models ?? [opts.model];
  line(ctx, 'Provider comparison');
  line(ctx, `   URL: ${ctx.url}   via: ${ctx.cfg.via}${ctx.accelerated ? ' (accelerated)' : ''}   stream: ${ctx.cfg.stream}`);
  line(ctx, `   Models: ${models.join(', ')}   Iterations per model: ${opts.iterations} (+ ${opts.warmup} warmup)`);
  const all: Measurement[] = [];
  const rows: Array<Record<string, any>> = [];
  for (const model of models) {
    if (ctx.run.stop.aborted) break;
    line(ctx, `\nBenchmarking: ${model}`);
    if (opts.warmup > 0) await runRequests({ ...ctx.run, models: [model], count: opts.warmup, concurrency: 1 });
    const ms = await runRequests({
      ...ctx.run, models: [model], count: opts.iterations, concurrency: 1, firstIndex: all.length,
      onDone: (m) => line(ctx, (m.ok
        ? `   Request ${String(m.index - all.length + 1).padStart(3)}: ${fmt(m.latency_ms, 0).padStart(7)}ms (${m.tokens} tokens, ${fmt(m.tokens_per_sec)} t/s) ok`
        : `   Request ${String(m.index - all.length + 1).padStart(3)}: FAILED (${m.error}${m.status ? ` ${m.status}` : ''})`)),
    });
    all.push(...ms);
    const s = summarize(ms);
    rows.push({
      model, provider: providerOf(model), requests: s.requests, success_rate: s.success_rate,
      median_latency_ms: s.latency_ms?.median ?? null, p95_latency_ms: s.latency_ms?.p95 ?? null,
      tokens_per_sec: s.tokens_per_sec?.median ?? null, total_tokens: s.total_tokens, tokens_source: s.tokens_source, errors: s.errors,
    });
  }
  const timed = rows.filter((r) => r.median_latency_ms !== null).sort((a, b) => a.median_latency_ms - b.median_latency_ms);
  rule(ctx, 'PROVIDER COMPARISON');
  line(ctx, table(
    ['Provider', 'Model', 'Success', 'Median (ms)', 'P95 (ms)', 'Tokens/s', 'Total tokens'],
    [...timed, ...rows.filter((r) => r.median_latency_ms === null)].map((r) => [
      r.provider, r.model, pct(r.success_rate), fmt(r.median_latency_ms, 0), fmt(r.p95_latency_ms, 0), fmt(r.tokens_per_sec), r.total_tokens,
    ]),
    2,
  ));
  const fastest = timed[0];
  const slowest = timed[timed.length - 1];
  const gen = rows.filter((r) => r.tokens_per_sec !== null).sort((a, b) => b.tokens_per_sec - a.tokens_per_sec)[0];
  const byProvider: Record<string, number[]> = {};
  for (const r of timed) (byProvider[r.provider] ??= []).push(r.median_latency_ms);
  const providerAverages = Object.fromEntries(Object.entries(byProvider).map(([p, v]) => [p, Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 100) / 100]));
  const speedup = fastest && slowest && fastest.median_latency_ms > 0 ? Math.round((slowest.median_latency_ms / fastest.median_latency_ms) * 100) / 100 : null;
  rule(ctx, 'SUMMARY');
  if (fastest) {
    line(ctx, `Fastest (median latency): ${fastest.model} (${fmt(fastest.median_latency_ms, 0)} ms)`);
    line(ctx, `Slowest (median latency): ${slowest.model} (${fmt(slowest.median_latency_ms, 0)} ms)`);
  } else line(ctx, 'No model answered successfully.');
  if (gen) line(ctx, `Fastest generation: ${gen.model} (${fmt(gen.tokens_per_sec)} tokens/s)`);
  if (speedup !== null) line(ctx, `Speedup (fastest vs slowest): ${speedup.toFixed(2)}x`);
  line(ctx, '\nProvider averages (mean of model medians):');
  for (const [p, v] of Object.entries(providerAverages)) line(ctx, `   ${p.padEnd(12)}: ${fmt(v, 0).padStart(7)} ms`);
  const note = tokensNote(summarize(all));
  if (note) line(ctx, `\n${note}`);
  return {
    measurements: all,
    summary: {
      ...summarize(all), models: rows,
      fastest: fastest?.model ?? null, slowest: slowest?.model ?? null, fastest_generation: gen?.model ?? null,
      speedup, provider_averages: providerAverages,
    },
  };
}
