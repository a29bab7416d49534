// Runs one row: setup, the equality check before any timing, the interleaved timing (fn rows) or
// the row's own measurement (custom rows), then classification. Never throws: a broken row becomes
// a FAILED (or skipped) result and the run goes on.
import { isDeepStrictEqual, inspect } from 'node:util';
import type { CustomResult, CustomRow, FnRow, RowContext, SampleSummary } from './types';
import type { RowResult } from './result';
import { isSkip } from './skip';
import { measure, type Contender, type MeasureOptions } from './measure';
import { classify, improvementPct, roundRatios, speedupOf, summarize } from './stats';

export interface RunSettings {
  quick: boolean;
  /** Default timing budget per contender (all rounds) in ms. */
  timeMs: number;
  rounds: number;
  warmupMs: number;
  minSamplesPerRound: number;
  targetSampleNs: number;
}

export const FULL_SETTINGS: RunSettings = {
  quick: false,
  timeMs: 1000,
  rounds: 5,
  warmupMs: 150,
  minSamplesPerRound: 2,
  targetSampleNs: 20_000,
};

export const QUICK_SETTINGS: RunSettings = {
  quick: true,
  timeMs: 240,
  rounds: 3,
  warmupMs: 40,
  minSamplesPerRound: 1,
  targetSampleNs: 20_000,
};

export class EqualityError extends Error {
  readonly code = 'BENCH_EQUALITY';
}

function short(v: unknown): string {
  return inspect(v, { depth: 3, maxArrayLength: 8, maxStringLength: 80, breakLength: Infinity });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

async function callOnce(fn: () => unknown): Promise<{ value: unknown; async: boolean }> {
  const r = fn();
  return isThenable(r) ? { value: await r, async: true } : { value: r, async: false };
}

function errorText(err: unknown): string {
  if (err instanceof EqualityError) return `equality check failed: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

function failed(row: { id: string; name: string; group: string; baselineName: string; acceleratedName: string },
  kind: 'fn' | 'custom', err: unknown, t0: number): RowResult {
  const skip = isSkip(err);
  return {
    id: row.id,
    name: row.name,
    group: row.group,
    kind,
    baselineName: row.baselineName,
    acceleratedName: row.acceleratedName,
    status: skip ? 'skipped' : 'FAILED',
    unit: 'ns',
    higherIsBetter: false,
    error: errorText(err),
    durationMs: Date.now() - t0,
  };
}

export function timedOut(row: FnRow | CustomRow, timeoutMs: number, durationMs: number): RowResult {
  return {
    ...failed(row, row.kind, new Error(`timed out after ${Math.round(timeoutMs / 1000)} s (still running work may disturb later rows)`), Date.now()),
    durationMs,
  };
}

export function settingsFor(row: FnRow, s: RunSettings): MeasureOptions {
  const total = row.timeMs !== undefined ? (s.quick ? Math.max(s.timeMs, row.timeMs * 0.25) : row.timeMs) : s.timeMs;
  return {
    rounds: s.rounds,
    roundMs: total / s.rounds,
    warmupMs: s.warmupMs,
    minSamplesPerRound: s.minSamplesPerRound,
    targetSampleNs: s.targetSampleNs,
  };
}

export async function runFnRow(row: FnRow, ctx: RowContext, s: RunSettings): Promise<RowResult> {
  const t0 = Date.now();
  try {
    await row.setup?.(ctx);
    // Equality first: nothing is timed unless both sides agree on the same inputs.
    const base = await callOnce(() => row.baseline());
    const acc = await callOnce(() => row.accelerated());
    if (row.check) {
      await row.check();
    } else if (!isDeepStrictEqual(base.value, acc.value)) {
      throw new EqualityError(`baseline returned ${short(base.value)}, accelerated returned ${short(acc.value)}`);
    }
    const contenders: Contender[] = [
      { name: 'baseline', fn: () => row.baseline(), async: base.async },
      { name: 'accelerated', fn: () => row.accelerated(), async: acc.async },
    ];
    const peerMismatch: string[] = [];
    for (const [name, fn] of Object.entries(row.peers ?? {})) {
      const p = await callOnce(fn);
      if (!isDeepStrictEqual(p.value, base.value)) peerMismatch.push(name);
      contenders.push({ name: `peer:${name}`, fn, async: p.async });
    }
    const opts = settingsFor(row, s);
    opts.onRound = () => ctx.tick();
    const m = await measure(contenders, opts);
    const b = summarize(m.samples.baseline);
    const a = summarize(m.samples.accelerated);
    const peers: Record<string, SampleSummary> = {};
    for (const name of Object.keys(row.peers ?? {})) peers[name] = summarize(m.samples[`peer:${name}`]);
    const speedup = speedupOf(b.median, a.median, false);
    const status = classify(speedup, b, a, { minSpeedup: row.minSpeedup });
    return {
      id: row.id,
      name: row.name,
      group: row.group,
      kind: 'fn',
      baselineName: row.baselineName,
      acceleratedName: row.acceleratedName,
      status,
      error: status === 'FAILED' ? unusable(b, a) : undefined,
      unit: 'ns',
      higherIsBetter: false,
      baseline: b,
      accelerated: a,
      peers: Object.keys(peers).length ? peers : undefined,
      speedup,
      improvementPct: improvementPct(speedup),
      roundRatios: roundRatios(m.roundMedians.baseline, m.roundMedians.accelerated, false),
      batch: m.batch,
      itemsPerOp: row.itemsPerOp,
      minSpeedup: row.minSpeedup,
      peerMismatch: peerMismatch.length ? peerMismatch : undefined,
      durationMs: Date.now() - t0,
    };
  } catch (err) {
    return failed(row, 'fn', err, t0);
  } finally {
    try {
      await row.teardown?.();
    } catch {
      // A teardown failure must not hide the row's own result.
    }
  }
}

function unusable(b: SampleSummary, a: SampleSummary): string {
  return `no usable ratio: baseline median ${b.median} (${b.samples} samples), accelerated median ${a.median} (${a.samples} samples)`;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function fromCustom(
  row: CustomRow,
  r: CustomResult,
  index: number,
  count: number,
  durationMs: number,
): RowResult {
  const label = r.label ?? (count > 1 ? String(index + 1) : undefined);
  const speedup = speedupOf(r.baseline.median, r.accelerated.median, r.higherIsBetter);
  const minSpeedup = r.minSpeedup ?? row.minSpeedup;
  const status = classify(speedup, r.baseline, r.accelerated, { minSpeedup });
  return {
    id: label === undefined ? row.id : `${row.id}.${slug(label)}`,
    name: label === undefined ? row.name : `${row.name} (${label})`,
    group: row.group,
    kind: 'custom',
    baselineName: row.baselineName,
    acceleratedName: row.acceleratedName,
    status,
    error: status === 'FAILED' ? unusable(r.baseline, r.accelerated) : undefined,
    unit: r.unit,
    higherIsBetter: r.higherIsBetter,
    baseline: r.baseline,
    accelerated: r.accelerated,
    peers: r.peers,
    speedup,
    improvementPct: improvementPct(speedup),
    minSpeedup,
    note: r.note,
    durationMs,
  };
}

export async function runCustomRow(row: CustomRow, ctx: RowContext): Promise<RowResult[]> {
  const t0 = Date.now();
  try {
    const out = await row.run(ctx);
    const list = Array.isArray(out) ? out : [out];
    if (list.length === 0) throw new Error('custom row returned no result');
    const ms = Date.now() - t0;
    return list.map((r, i) => fromCustom(row, r, i, list.length, ms));
  } catch (err) {
    return [failed(row, 'custom', err, t0)];
  }
}
