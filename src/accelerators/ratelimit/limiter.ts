import { RateLimitError } from './errors';
import { MemoryStore } from './memory-store';
import { compileSpec, type CheckResult, type LimiterOptions, type LimitSpec } from './options';
import type { RateLimitStore } from './store';

export interface RateLimiterOptions extends LimiterOptions {
  /** Default: a new MemoryStore. */
  store?: RateLimitStore;
  /** ms clock (default Date.now); tests pass a controllable one. */
  clock?: () => number;
}

export interface CheckOptions {
  /** Tokens to reserve against tpm (default 0). */
  tokens?: number;
}

export interface AcquireOptions extends CheckOptions {
  /** Wait up to this many ms for the limit to allow the call (default 0: fail at once). */
  maxWaitMs?: number;
  /** Named in the RateLimitError message and `scope` field (e.g. 'model', 'api_key'). */
  scope?: string;
}

/** A granted call: holds its parallel slot (if maxParallel) and its token reservation. */
export interface Lease {
  readonly key: string;
  readonly result: CheckResult;
  readonly reservedTokens: number;
  /** Frees the parallel slot; idempotent. */
  release(): void | Promise<void>;
  /** Replaces the reservation with the real usage (once; later calls are ignored). */
  reconcile(actualTokens: number): void | Promise<void>;
}

type Awaitable<T> = T | Promise<T>;

function checkTokens(where: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new RangeError(`${where}: tokens must be a non-negative integer, got ${typeof v === 'number' ? v : typeof v}`);
  }
  return v;
}

function checkKey(where: string, key: unknown): void {
  if (typeof key !== 'string') throw new TypeError(`${where}: key must be a string, got ${typeof key}`);
}

const swallow = (): void => undefined;

export class RateLimiter {
  readonly spec: Readonly<LimitSpec>;
  readonly store: RateLimitStore;
  readonly #clock: () => number;
  /** The store when it is a MemoryStore: the sync paths call it without indirection. */
  readonly #mem: MemoryStore | undefined;
  #waiters: Array<() => void> = [];

  constructor(options: RateLimiterOptions) {
    this.spec = Object.freeze(compileSpec(options));
    if (options.clock !== undefined && typeof options.clock !== 'function') {
      throw new TypeError('RateLimiter: clock must be a function returning ms');
    }
    this.#clock = options.clock ?? Date.now;
    this.store = options.store ?? new MemoryStore();
    this.store.bind(this.spec);
    this.#mem = this.store instanceof MemoryStore ? this.store : undefined;
  }

  /** Counts one request (and `tokens`) if every limit allows it. A Promise only for async stores. */
  check(key: string, options?: CheckOptions): Awaitable<CheckResult> {
    checkKey('RateLimiter.check', key);
    const cost = options === undefined ? 0 : checkTokens('RateLimiter.check', options.tokens);
    return this.store.consume(key, cost, false, this.#clock(), this.spec);
  }

  /**
   * check() answering only whether the call is allowed (and counted). With a MemoryStore it builds no
   * result object: the allocation-free hot path.
   */
  tryConsume(key: string, tokens?: number): Awaitable<boolean> {
    checkKey('RateLimiter.tryConsume', key);
    const cost = tokens === undefined ? 0 : checkTokens('RateLimiter.tryConsume', tokens);
    const mem = this.#mem;
    if (mem !== undefined) return mem.tryConsume(key, cost, this.#clock(), this.spec);
    const r = this.store.consume(key, cost, false, this.#clock(), this.spec);
    return r instanceof Promise ? r.then((x) => x.allowed) : r.allowed;
  }

  /** check() for a sync store (MemoryStore); throws for an async one. */
  checkSync(key: string, options?: CheckOptions): CheckResult {
    const mem = this.#mem;
    if (mem === undefined) {
      if (this.store.async) throw new TypeError('RateLimiter.checkSync: the store is async; use check()');
      return this.check(key, options) as CheckResult;
    }
    if (typeof key !== 'string') checkKey('RateLimiter.checkSync', key);
    const cost = options === undefined ? 0 : checkTokens('RateLimiter.checkSync', options.tokens);
    return mem.consume(key, cost, false, this.#clock(), this.spec);
  }

  /**
   * Like check(), and also takes a parallel slot when maxParallel is set. Throws (or rejects with)
   * RateLimitError when denied after waiting up to maxWaitMs.
   */
  acquire(key: string, options: AcquireOptions = {}): Awaitable<Lease> {
    checkKey('RateLimiter.acquire', key);
    const cost = checkTokens('RateLimiter.acquire', options.tokens);
    const maxWaitMs = options.maxWaitMs ?? 0;
    if (typeof maxWaitMs !== 'number' || !(maxWaitMs >= 0)) {
      throw new RangeError(`RateLimiter.acquire: maxWaitMs must be a non-negative number, got ${maxWaitMs}`);
    }
    const first = this.store.consume(key, cost, true, this.#clock(), this.spec);
    if (!(first instanceof Promise) && (first.allowed || maxWaitMs === 0)) {
      if (first.allowed) return this.#lease(key, cost, first);
      throw new RateLimitError({ result: first, spec: this.spec, scope: options.scope });
    }
    return this.#acquireAsync(key, cost, first, maxWaitMs, options.scope);
  }

  async #acquireAsync(key: string, cost: number, first: Awaitable<CheckResult>, maxWaitMs: number, scope?: string): Promise<Lease> {
    // The wait budget is real time, whatever clock the limits use.
    const start = performance.now();
    let r = await first;
    for (;;) {
      if (r.allowed) return this.#lease(key, cost, r);
      const waited = performance.now() - start;
      if (!(r.retryAfterMs <= maxWaitMs - waited)) {
        throw new RateLimitError({ result: r, spec: this.spec, scope, waitedMs: maxWaitMs > 0 ? waited : undefined });
      }
      await this.#sleep(Math.max(1, r.retryAfterMs));
      r = await this.store.consume(key, cost, true, this.#clock(), this.spec);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        const i = this.#waiters.indexOf(done);
        if (i >= 0) this.#waiters.splice(i, 1);
        resolve();
      }, ms);
      t.unref?.();
      this.#waiters.push(done);
    });
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  #lease(key: string, cost: number, result: CheckResult): Lease {
    let held = this.spec.maxParallel > 0;
    let reserved = cost;
    let reconciled = false;
    const lease: Lease = {
      key,
      result,
      reservedTokens: cost,
      release: () => {
        if (!held) return;
        held = false;
        const p = this.store.adjust(key, 0, 0, -1, this.#clock(), this.spec);
        if (p instanceof Promise) return p.then(() => this.#wake(), swallow);
        this.#wake();
      },
      reconcile: (actualTokens: number) => {
        if (reconciled || this.spec.tpm === 0) return;
        reconciled = true;
        const delta = checkTokens('Lease.reconcile', actualTokens) - reserved;
        reserved = actualTokens;
        if (delta !== 0) {
          const p = this.store.adjust(key, 0, delta, 0, this.#clock(), this.spec);
          if (p instanceof Promise) return p.catch(swallow);
        }
      },
    };
    return lease;
  }

  /** Adds real token usage for key, minus what was reserved for it at check time. */
  reconcile(key: string, actualTokens: number, reservedTokens = 0): Awaitable<void> {
    checkKey('RateLimiter.reconcile', key);
    const delta = checkTokens('RateLimiter.reconcile', actualTokens) - checkTokens('RateLimiter.reconcile', reservedTokens);
    if (delta === 0 || this.spec.tpm === 0) return;
    return this.store.adjust(key, 0, delta, 0, this.#clock(), this.spec);
  }

  /** Undoes a granted check/acquire (e.g. when another limit on the same call denied it). */
  refund(key: string, tokens = 0, parallel = false): Awaitable<void> {
    checkKey('RateLimiter.refund', key);
    const r = this.store.adjust(key, -1, -checkTokens('RateLimiter.refund', tokens), parallel ? -1 : 0, this.#clock(), this.spec);
    if (parallel) {
      if (r instanceof Promise) return r.then(() => this.#wake());
      this.#wake();
    }
    return r;
  }

  close(): Awaitable<void> {
    this.#wake();
    return this.store.close?.();
  }
}
