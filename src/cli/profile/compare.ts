// `profile compare`: the same prompt against several models, ranked by median latency, naming a
// fastest (or slowest) only when it is clearly apart from the next: inter-quartile ranges apart and
// at least 10% between the medians. Anything closer is said to be within noise.
import { closingNotes, line, requestHeader, requestRow, targetLine, type CommandResult } from './commands';
import type { Context } from './context';
import type { CompareOpts } from './options';
import { fmtMs, pct, sig3, table, wrap } from './format';
import { runRequests } from './runner';
import { clearlyBelow, type Describe } from './stats';
import { summarize } from './summary';

export function providerOf(model: string): string {
  const slash = model.indexOf('/');
  if (slash > 0) return model.slice(0, slash);
  if (/^(gpt-|o\d|text-)/.test(model)) return 'openai';
  if (model.startsWith('claude')) return 'anthropic';
  if (model.startsWith('command')) return 'cohere';
  if (model.startsWith('j2-')) return 'ai21';
  return 'default';
}

interface ModelRow {
  model: string;
  provider: string;
  requests: number;
  success_rate: number;
  median_latency_ms: number | null;
  p25_latency_ms: number | null;
  p75_latency_ms: number | null;
  p95_latency_ms: number | null;
  tokens_per_sec: number | null;
  total_tokens: number;
  tokens_source: string | null;
  errors: Record<string, number>;
  latency?: Describe | null;
  rate?: Describe | null;
}

export interface Ranking {
  fastest: string | null;
  slowest: string | null;
  fastest_generation: string | null;
  /** slowest / fastest median, when both are clearly apart from their neighbours. */
  speedup: number | null;
  /** What the output says about the ranking, in one sentence. */
  ranking_note: string;
}

/** Ranking of models by their latency spread (already sorted by median); rates are higher-is-better. */
export function rank(timed: ModelRow[]): Ranking {
  const sp = (r: ModelRow) => r.latency!;
  if (timed.length === 0) return { fastest: null, slowest: null, fastest_generation: null, speedup: null, ranking_note: 'No model answered successfully.' };
  if (timed.length === 1) {
    return { fastest: null, slowest: null, fastest_generation: null, speedup: null, ranking_note: `Only ${timed[0].model} answered: nothing to rank.` };
  }
  const [a, b] = timed;
  const [y, z] = timed.slice(-2);
  const fastest = clearlyBelow(sp(a), sp(b)) ? a.model : null;
  const slowest = clearlyBelow(sp(y), sp(z)) ? z.model : null;
  const byRate = timed.filter((r) => r.rate).sort((p, q) => q.rate!.median - p.rate!.median);
  // A rate is higher-is-better: the best is clear when the runner-up is clearly below it.
  const gen = byRate.length > 1 && clearlyBelow(byRate[1].rate!, byRate[0].rate!) ? byRate[0].model : null;
  const speedup = fastest && slowest && a.median_latency_ms! > 0
    ? Math.round((z.median_latency_ms! / a.median_latency_ms!) * 100) / 100
    : null;
  const note = fastest
    ? `${fastest} is the fastest: ${sig3(b.median_latency_ms! / a.median_latency_ms!)}x below the next (${b.model}), inter-quartile ranges apart.`
    : `No clear difference between ${a.model} and ${b.model}: their inter-quartile ranges overlap or their medians are < 10% apart.`;
  return { fastest, slowest, fastest_generation: gen, speedup, ranking_note: note };
}

const MODEL_COL = 'model';

export async function compareCommand(ctx: Context<CompareOpts>): Promise<CommandResult> {
  const { opts } = ctx;
  const models: string[] = opts.models ?? [opts.model];
  line(ctx, `Compare: ${models.length} models, ${opts.iterations} requests each after ${opts.warmup} warm-up, taking turns`);
  line(ctx, `  ${targetLine(ctx)}`);
  // Models take turns (a, b, c, a, b, c...): a drift of the machine or the gateway during the run
  // lands on every model alike instead of on whichever ran last.
  if (opts.warmup > 0) await runRequests({ ...ctx.run, models, count: opts.warmup * models.length, concurrency: 1 });
  const mw = Math.max(MODEL_COL.length, ...models.map((m) => m.length));
  line(ctx, '');
  line(ctx, `  ${MODEL_COL.padEnd(mw)}${requestHeader()}`);
  const seen = new Map<string, number>();
  const all = await runRequests({
    ...ctx.run, models, count: opts.iterations * models.length, concurrency: 1,
    onDone: (m) => {
      seen.set(m.model, (seen.get(m.model) ?? 0) + 1);
      line(ctx, `  ${m.model.padEnd(mw)}${requestRow(m, String(seen.get(m.model)))}`);
    },
  });
  const rows: ModelRow[] = [];
  for (const model of models) {
    const s = summarize(all.filter((m) => m.model === model));
    rows.push({
      model, provider: providerOf(model), requests: s.requests, success_rate: s.success_rate,
      median_latency_ms: s.latency_ms?.median ?? null, p25_latency_ms: s.latency_ms?.p25 ?? null,
      p75_latency_ms: s.latency_ms?.p75 ?? null, p95_latency_ms: s.latency_ms?.p95 ?? null,
      tokens_per_sec: s.tokens_per_sec?.median ?? null, total_tokens: s.total_tokens, tokens_source: s.tokens_source,
      errors: s.errors, latency: s.latency_ms, rate: s.tokens_per_sec,
    });
  }
  const timed = rows.filter((r) => r.latency).sort((a, b) => a.median_latency_ms! - b.median_latency_ms!);
  const ranking = rank(timed);
  line(ctx, '');
  line(ctx, table(
    ['model', 'provider', 'success', 'median', 'p25–p75', 'p95', 'tokens/s', 'tokens'],
    [...timed, ...rows.filter((r) => !r.latency)].map((r) => [
      r.model, r.provider, pct(r.success_rate), fmtMs(r.median_latency_ms),
      r.latency ? `${fmtMs(r.p25_latency_ms)}–${fmtMs(r.p75_latency_ms)}` : '-', fmtMs(r.p95_latency_ms), sig3(r.tokens_per_sec), r.total_tokens,
    ]),
    2,
  ));
  line(ctx, '');
  line(ctx, wrap(ranking.ranking_note));
  if (ranking.slowest && timed.length > 2) line(ctx, `Slowest: ${ranking.slowest}, clearly apart from the next.`);
  if (ranking.speedup !== null) line(ctx, `Slowest / fastest median: ${ranking.speedup.toFixed(2)}x.`);
  if (ranking.fastest_generation) line(ctx, `Fastest generation: ${ranking.fastest_generation} (median tokens/s, clearly apart).`);
  for (const r of rows.filter((x) => x.success_rate === 0)) line(ctx, `${r.model}: no successful request (${Object.entries(r.errors).map(([k, v]) => `${k} ${v}`).join(', ')}).`);
  const byProvider: Record<string, number[]> = {};
  for (const r of timed) (byProvider[r.provider] ??= []).push(r.median_latency_ms!);
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const providerAverages = Object.fromEntries(
    Object.entries(byProvider).map(([p, v]) => [p, Math.round(mean(v) * 1000) / 1000]),
  );
  if (Object.keys(providerAverages).length > 1) {
    line(ctx, `Provider averages (mean of model medians): ${Object.entries(providerAverages).map(([p, v]) => `${p} ${fmtMs(v)}`).join(', ')}.`);
  }
  const total = summarize(all);
  for (const n of closingNotes(ctx, total)) line(ctx, n);
  return {
    measurements: all,
    summary: {
      ...total,
      models: rows.map(({ latency: _l, rate: _r, ...r }) => r),
      ...ranking,
      provider_averages: providerAverages,
    },
  };
}
