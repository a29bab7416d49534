// Async counting on a piscina worker pool, for texts big enough that counting them inline would
// stall the event loop. Below the crossover everything is counted inline (a worker round trip costs
// ~50-100 µs plus copying the text). The pool starts on first need, is sized to the machine, and is
// safe to lose (worker-pool.ts): whatever happens to the workers, every call resolves with exact counts.
import { availableParallelism } from 'node:os';
import { invalidArgument, outOfRange } from '../../errors';
import { assertText, countTokens, countUncached, resolveEncoding, tokenMemo, type CountOptions } from './count';
import type { EncodingName } from './encodings';
import { splitPoints } from './split';
import type { CountTask } from './worker';
import { WorkerPool, type WorkerPoolCounters } from './worker-pool';

export interface TokenPoolOptions {
  /** Texts (or batches) with fewer UTF-16 units than this are counted inline. Default 32768 (~8k tokens). */
  inlineBelowChars?: number;
  /** Worker threads. Default min(availableParallelism - 1, 4), at least 1. */
  maxThreads?: number;
  /** Idle worker lifetime in ms. Default 30000. */
  idleTimeoutMs?: number;
  /** A task not answered in this many ms (plus 1 ms per 4096 characters) is counted inline. Default 5000. */
  taskTimeoutMs?: number;
}

export interface TokenPoolStats extends WorkerPoolCounters {
  started: boolean;
  threads: number;
  inline: number;
}

export const TOKEN_POOL_DEFAULTS = Object.freeze({
  inlineBelowChars: 32 * 1024,
  maxThreads: Math.max(1, Math.min(availableParallelism() - 1, 4)),
  idleTimeoutMs: 30_000,
  taskTimeoutMs: 5_000,
});

/** Size of the parts a long text is cut into for the workers (see split.ts). */
const PART_CHARS = 256 * 1024;
const settings: Required<TokenPoolOptions> = { ...TOKEN_POOL_DEFAULTS };
let inlineCounts = 0;
let workers: WorkerPool | undefined;
/** Counters of pools closed since the process started, so the stats stay cumulative. */
const closed: WorkerPoolCounters = { offloaded: 0, retries: 0, timeouts: 0, poolErrors: 0, inlineFallbacks: 0 };

export function configureTokenPool(options: TokenPoolOptions): void {
  if (options === null || typeof options !== 'object') {
    invalidArgument('configureTokenPool: options', options, 'an object');
  }
  const keys = ['inlineBelowChars', 'maxThreads', 'idleTimeoutMs', 'taskTimeoutMs'] as const;
  for (const key of keys) {
    const value = options[key];
    const min = key === 'maxThreads' || key === 'taskTimeoutMs' ? 1 : 0;
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
      outOfRange(`configureTokenPool: ${key}`, value, `an integer >= ${min}`);
    }
  }
  for (const key of keys) settings[key] = options[key] ?? settings[key];
}

function pool(): WorkerPool {
  return (workers ??= new WorkerPool(settings));
}

/** Counts from a worker, or inline when the workers cannot give them: never an error, never pending. */
async function runTask(task: CountTask): Promise<number[]> {
  const counts = await pool().run(task);
  return counts ?? task.texts.map((t) => countUncached(t, task.encoding));
}

/** Count one text; large texts are counted on a worker so the event loop stays free. */
export async function countTokensAsync(text: string, options?: CountOptions): Promise<number> {
  assertText(text, 'countTokensAsync');
  const encoding = resolveEncoding(options, 'countTokensAsync');
  if (text.length < settings.inlineBelowChars) {
    inlineCounts++;
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
  if (!Array.isArray(texts)) invalidArgument('countTokensBatch: texts', texts, 'an array of strings');
  // An index loop, not forEach: forEach skips the holes of a sparse array.
  for (let i = 0; i < texts.length; i++) assertText(texts[i], 'countTokensBatch', `texts[${i}]`);
  const encoding = resolveEncoding(options, 'countTokensBatch');
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
    inlineCounts++;
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
  const current = workers;
  workers = undefined;
  if (current === undefined) return;
  for (const key of Object.keys(closed) as (keyof WorkerPoolCounters)[]) closed[key] += current.counters[key];
  await current.close();
}

export function getTokenPoolStats(): TokenPoolStats {
  const live = workers?.counters;
  const counters = Object.fromEntries(
    (Object.keys(closed) as (keyof WorkerPoolCounters)[]).map((key) => [key, closed[key] + (live?.[key] ?? 0)]),
  ) as unknown as WorkerPoolCounters;
  const threads = workers?.threads.length ?? 0;
  return { started: workers?.started ?? false, threads, inline: inlineCounts, ...counters };
}

/** For tests: the live worker threads (to kill one mid-batch). */
export function tokenPoolThreadsForTests(): import('node:worker_threads').Worker[] {
  return workers?.threads ?? [];
}
