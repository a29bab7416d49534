// Async counting on a piscina worker pool, for texts big enough that counting them inline would
// stall the event loop. Below the crossover everything is counted inline (a worker round trip costs
// ~50-100 µs plus copying the text). The pool starts on first need, is sized to the machine, heals
// (piscina replaces a dead worker), and never holds the process open: idle workers are unref'd by
// piscina, and closeTokenPool() ends them.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type PiscinaType from 'piscina';
import { assertText, countTokens, countUncached, invalidArgument, resolveEncoding, tokenMemo, type CountOptions } from './count';
import type { EncodingName } from './encodings';
import { splitPoints } from './split';
import type { CountTask } from './worker';

export interface TokenPoolOptions {
  /** Texts (or batches) with fewer UTF-16 units than this are counted inline. Default 32768 (~8k tokens). */
  inlineBelowChars?: number;
  /** Worker threads. Default min(availableParallelism - 1, 4), at least 1. */
  maxThreads?: number;
  /** Idle worker lifetime in ms. Default 30000. */
  idleTimeoutMs?: number;
}

export interface TokenPoolStats {
  started: boolean;
  threads: number;
  inline: number;
  offloaded: number;
  retries: number;
  inlineFallbacks: number;
}

export const TOKEN_POOL_DEFAULTS = Object.freeze({
  inlineBelowChars: 32 * 1024,
  maxThreads: Math.max(1, Math.min(availableParallelism() - 1, 4)),
  idleTimeoutMs: 30_000,
});

/** Size of the parts a long text is cut into for the workers (see split.ts). */
const PART_CHARS = 256 * 1024;
const settings: { inlineBelowChars: number; maxThreads: number; idleTimeoutMs: number } = { ...TOKEN_POOL_DEFAULTS };
const stats = { inline: 0, offloaded: 0, retries: 0, inlineFallbacks: 0 };
let pool: PiscinaType<CountTask, number[]> | undefined;

export function configureTokenPool(options: TokenPoolOptions): void {
  for (const key of ['inlineBelowChars', 'maxThreads', 'idleTimeoutMs'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < (key === 'maxThreads' ? 1 : 0)) {
      throw invalidArgument(`The "${key}" option must be a ${key === 'maxThreads' ? 'positive' : 'non-negative'} integer`, RangeError);
    }
    settings[key] = value;
  }
}

function workerOptions(): { filename: string; execArgv?: string[] } {
  // From src (vitest, tsx) this file is .ts and the worker must be loaded through tsx; from dist it is .js.
  const ext = path.extname(__filename);
  const filename = path.join(__dirname, `worker${ext}`);
  if (ext !== '.ts') return { filename };
  return { filename, execArgv: [...process.execArgv, '--require', require.resolve('tsx/cjs')] };
}

function getPool(): PiscinaType<CountTask, number[]> {
  if (pool === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Piscina } = require('piscina') as typeof import('piscina');
    pool = new Piscina<CountTask, number[]>({
      ...workerOptions(),
      name: 'default',
      minThreads: 0,
      maxThreads: settings.maxThreads,
      idleTimeout: settings.idleTimeoutMs,
      // Workers only count; no need for atomics wake-ups that keep a thread spinning.
      atomics: 'disabled',
    });
  }
  return pool;
}

/** Run one task; if the worker dies or the task fails, retry once, then count inline: never lose a count. */
async function runTask(task: CountTask): Promise<number[]> {
  stats.offloaded++;
  try {
    return await getPool().run(task);
  } catch {
    stats.retries++;
    try {
      return await getPool().run(task);
    } catch {
      stats.inlineFallbacks++;
      return task.texts.map((t) => countUncached(t, task.encoding));
    }
  }
}

/** Count one text; large texts are counted on a worker so the event loop stays free. */
export async function countTokensAsync(text: string, options?: CountOptions): Promise<number> {
  assertText(text);
  const encoding = resolveEncoding(options);
  if (text.length < settings.inlineBelowChars) {
    stats.inline++;
    return countTokens(text, { encoding });
  }
  const memo = tokenMemo();
  const hit = memo.lookup(encoding, text);
  if (hit !== undefined) return hit;
  // Parts are posted to workers one at a time as they free up, so copying the text to them is spread
  // over several event-loop turns instead of one long postMessage.
  let start = 0;
  const parts = splitPoints(text, PART_CHARS).map((end) => {
    const part = text.slice(start, end);
    start = end;
    return runTask({ encoding, texts: [part] });
  });
  const n = (await Promise.all(parts)).reduce((sum, [count]) => sum + count, 0);
  memo.store(encoding, text, n);
  return n;
}

/** Count many texts; memo hits and small batches inline, the rest spread over the workers. */
export async function countTokensBatch(texts: readonly string[], options?: CountOptions): Promise<number[]> {
  if (!Array.isArray(texts)) throw invalidArgument('The "texts" argument must be an array of strings');
  texts.forEach((t, i) => assertText(t, `texts[${i}]`));
  const encoding = resolveEncoding(options);
  const out = new Array<number>(texts.length);
  const memo = tokenMemo();
  const pending: number[] = [];
  let pendingChars = 0;
  for (let i = 0; i < texts.length; i++) {
    const hit = texts[i].length === 0 ? 0 : memo.lookup(encoding, texts[i]);
    if (hit !== undefined) out[i] = hit;
    else {
      pending.push(i);
      pendingChars += texts[i].length;
    }
  }
  if (pendingChars < settings.inlineBelowChars) {
    stats.inline++;
    for (const i of pending) out[i] = storeCount(encoding, texts[i], countUncached(texts[i], encoding));
    return out;
  }
  const groups = split(pending, texts, pendingChars);
  await Promise.all(
    groups.map(async (group) => {
      const counts = await runTask({ encoding, texts: group.map((i) => texts[i]) });
      group.forEach((i, k) => (out[i] = storeCount(encoding, texts[i], counts[k])));
    }),
  );
  return out;
}

function storeCount(encoding: EncodingName, text: string, n: number): number {
  tokenMemo().store(encoding, text, n);
  return n;
}

/** Contiguous groups of about equal size, a few per thread so a slow group does not hold the rest. */
function split(indices: number[], texts: readonly string[], totalChars: number): number[][] {
  const target = Math.max(settings.inlineBelowChars, Math.ceil(totalChars / (settings.maxThreads * 2)));
  const groups: number[][] = [];
  let group: number[] = [];
  let chars = 0;
  for (const i of indices) {
    group.push(i);
    chars += texts[i].length;
    if (chars >= target) {
      groups.push(group);
      group = [];
      chars = 0;
    }
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Stop the workers. The next async count starts a fresh pool. */
export async function closeTokenPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  if (current) await current.destroy();
}

export function getTokenPoolStats(): TokenPoolStats {
  return { started: pool !== undefined, threads: pool?.threads.length ?? 0, ...stats };
}

/** For tests: the live worker threads (to kill one mid-batch). */
export function tokenPoolThreadsForTests(): import('node:worker_threads').Worker[] {
  return pool?.threads ?? [];
}
