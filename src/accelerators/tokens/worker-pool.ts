// The piscina pool behind countTokensAsync/countTokensBatch, made safe to lose: every task has a
// deadline, a worker that fails or dies costs a retry and then an inline count (never an error or a
// pending promise), the pool's own 'error' events are handled here (an unhandled one would crash the
// host), and after a failure the workers rest for a while so a broken setup (a preload that throws in
// worker threads) is not paid for on every call. Idle workers are unref'd by piscina; pending tasks
// are bounded by their deadline, whose timer is unref'd too.
import path from 'node:path';
import type PiscinaType from 'piscina';
import type { CountTask } from './worker';

export interface WorkerPoolSettings {
  maxThreads: number;
  idleTimeoutMs: number;
  /** Deadline of a task in ms, plus one more ms per PER_MS_CHARS characters it carries. */
  taskTimeoutMs: number;
}

export interface WorkerPoolCounters {
  offloaded: number;
  retries: number;
  timeouts: number;
  poolErrors: number;
  inlineFallbacks: number;
}

/** Characters a worker is given one extra ms for (counting runs at >= 10 MB/s, even on hostile text). */
const PER_MS_CHARS = 4096;
/** How long the workers rest after a pool error or a missed deadline. */
const REST_MS = 30_000;

type Piscina = PiscinaType<CountTask, number[]>;

function workerOptions(): { filename: string; execArgv?: string[] } {
  // From src (vitest, tsx) this file is .ts and the worker must be loaded through tsx; from dist it is .js.
  const ext = path.extname(__filename);
  const filename = path.join(__dirname, `worker${ext}`);
  if (ext !== '.ts') return { filename };
  return { filename, execArgv: [...process.execArgv, '--require', require.resolve('tsx/cjs')] };
}

export class WorkerPool {
  readonly counters: WorkerPoolCounters = { offloaded: 0, retries: 0, timeouts: 0, poolErrors: 0, inlineFallbacks: 0 };
  readonly #settings: WorkerPoolSettings;
  #pool: Piscina | undefined;
  #restUntil = 0;
  /** Aborts the tasks in flight on the current pool, when it fails as a whole. */
  readonly #inFlight = new Set<AbortController>();

  constructor(settings: WorkerPoolSettings) {
    this.#settings = settings;
  }

  get started(): boolean {
    return this.#pool !== undefined;
  }

  get threads(): import('node:worker_threads').Worker[] {
    return this.#pool?.threads ?? [];
  }

  /** The counts of `task` from a worker, or undefined when the workers cannot give them (count inline). */
  async run(task: CountTask): Promise<number[] | undefined> {
    this.counters.offloaded++;
    for (let attempt = 0; attempt < 2; attempt++) {
      const pool = this.#usable();
      if (pool === undefined) break;
      const result = await this.#attempt(pool, task);
      if (result !== 'failed') {
        if (result === 'late') break;
        return result;
      }
      this.counters.retries++;
    }
    this.counters.inlineFallbacks++;
    return undefined;
  }

  async #attempt(pool: Piscina, task: CountTask): Promise<number[] | 'failed' | 'late'> {
    const chars = task.texts.reduce((sum, t) => sum + t.length, 0);
    const controller = new AbortController();
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      controller.abort();
    }, this.#settings.taskTimeoutMs + Math.ceil(chars / PER_MS_CHARS));
    timer.unref();
    this.#inFlight.add(controller);
    try {
      return await pool.run(task, { signal: controller.signal });
    } catch {
      if (!late) return 'failed';
      // A worker that never answered (it died before it was ready, or hangs): start afresh later.
      this.counters.timeouts++;
      this.#retire(pool);
      return 'late';
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(controller);
    }
  }

  #usable(): Piscina | undefined {
    if (this.#pool !== undefined) return this.#pool;
    if (Date.now() < this.#restUntil) return undefined;
    const { Piscina } = require('piscina') as typeof import('piscina');
    const pool: Piscina = new Piscina<CountTask, number[]>({
      ...workerOptions(),
      name: 'default',
      minThreads: 0,
      maxThreads: this.#settings.maxThreads,
      idleTimeout: this.#settings.idleTimeoutMs,
      // Workers only count; no need for atomics wake-ups that keep a thread spinning.
      atomics: 'disabled',
    });
    // A worker that fails outside a task (at start-up, e.g. a preload that throws in worker threads)
    // is reported here; unhandled, this event would crash the process.
    pool.on('error', () => {
      this.counters.poolErrors++;
      this.#retire(pool);
    });
    this.#pool = pool;
    return pool;
  }

  /** Stop using `pool`: abort its tasks (their callers count inline) and rest before the next one. */
  #retire(pool: Piscina): void {
    if (this.#pool !== pool) return;
    this.#pool = undefined;
    this.#restUntil = Date.now() + REST_MS;
    for (const controller of this.#inFlight) controller.abort();
    pool.destroy().catch(() => undefined);
  }

  /** Stop the workers now; the next task starts a fresh pool (no rest). */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    this.#restUntil = 0;
    if (pool !== undefined) await pool.destroy().catch(() => undefined);
  }
}
