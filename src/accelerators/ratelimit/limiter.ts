import { randomBytes } from 'node:crypto';
import { invalidArgument, outOfRange } from '../../errors';
import { RateLimitError } from './errors';
import { MemoryStore } from './memory-store';
import { compileSpec, type CheckResult, type LimiterOptions, type LimitSpec } from './options';
import type { RateLimitStore } from './store';
import { usableTokens } from './usage';

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
  /** Wait up to this many ms for the limit to allow the call (default 0: fail at once; Infinity: no bound). */
  maxWaitMs?: number;
  /** Named in the RateLimitError message and `scope` field (e.g. 'model', 'api_key'). */
  scope?: string;
}

/** A granted call: holds its parallel slot (if maxParallel) and its token reservation. */
export interface Lease {
  readonly key: string;
  readonly result: CheckResult;
  readonly reservedTokens: number;
  /** Frees the parallel slot; idempotent; never throws or rejects. */
  release(): void | Promise<void>;
  /**
   * Replaces the reservation with the real usage, once (later calls are ignored). A value that is not a
   * finite number >= 0 keeps the reservation; fractions round up. Never throws or rejects.
   */
  reconcile(actualTokens: unknown): void | Promise<void>;
  /** Undoes the whole grant (its request, its tokens, its slot), e.g. when another limit denied the call. */
  refund(): void | Promise<void>;
}

type Awaitable<T> = T | Promise<T>;

/** Node clamps longer timers to 1 ms (with a TimeoutOverflowWarning): a longer wait re-checks instead. */
const MAX_TIMER_MS = 0x7fff_ffff;
/** The slot id of a store whose slots never outlive this process: no id needed. */
const LOCAL_SLOT = 'local';
/** Slot ids unique across processes sharing a store: a random tag per process, then a counter. */
const SLOT_TAG = randomBytes(6).toString('base64url');
let slotSeq = 0;

function checkTokens(where: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number') invalidArgument(`${where}: tokens`, v, 'a non-negative integer');
  if (!Number.isInteger(v) || v < 0) outOfRange(`${where}: tokens`, v, 'a non-negative integer');
  return v;
}

function checkKey(where: string, key: unknown): void {
  if (typeof key !== 'string') invalidArgument(`${where}: key`, key, 'a string');
}

function checkWait(v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number') invalidArgument('RateLimiter.acquire: maxWaitMs', v, 'a number >= 0 (Infinity: no bound)');
  if (!(v >= 0)) outOfRange('RateLimiter.acquire: maxWaitMs', v, 'a number >= 0 (Infinity: no bound)');
  return v;
}

const swallow = (): void => undefined;
/** Runs a store call that must never reach the caller as an error (release, refresh, reconcile). */
function quietly(f: () => void | Promise<void>): void | Promise<void> {
  let r: void | Promise<void>;
  try {
    r = f();
  } catch {
    return;
  }
  return r instanceof Promise ? r.catch(swallow) : r;
}

export class RateLimiter {
  readonly spec: Readonly<LimitSpec>;
  readonly store: RateLimitStore;
  readonly #clock: () => number;
  /** The store when it is a MemoryStore: the sync paths call it without indirection. */
  readonly #mem: MemoryStore | undefined;
  #waiters: Array<() => void> = [];
  #closed = false;
  /** Slots held in a store whose slots expire: slot id -> key, refreshed while held. */
  readonly #held = new Map<string, string>();
  #refresher: NodeJS.Timeout | undefined;

  constructor(options: RateLimiterOptions) {
    this.spec = Object.freeze(compileSpec(options));
    if (options.clock !== undefined && typeof options.clock !== 'function') {
      invalidArgument('RateLimiter: clock', options.clock, 'a function returning ms');
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
      if (this.store.async) invalidArgument('RateLimiter.checkSync: store', 'async', 'a sync store (use check())');
      return this.check(key, options) as CheckResult;
    }
    if (typeof key !== 'string') checkKey('RateLimiter.checkSync', key);
    const cost = options === undefined ? 0 : checkTokens('RateLimiter.checkSync', options.tokens);
    return mem.consume(key, cost, false, this.#clock(), this.spec);
  }

  /**
   * Like check(), and also takes a parallel slot when maxParallel is set. Throws (or rejects with)
   * RateLimitError when denied after waiting up to maxWaitMs; a call that can never fit (more tokens
   * than tpm) is denied at once whatever the wait.
   */
  acquire(key: string, options: AcquireOptions = {}): Awaitable<Lease> {
    checkKey('RateLimiter.acquire', key);
    const cost = checkTokens('RateLimiter.acquire', options.tokens);
    const maxWaitMs = checkWait(options.maxWaitMs);
    const slot = this.#slotId();
    const first = this.store.consume(key, cost, slot, this.#clock(), this.spec);
    if (!(first instanceof Promise) && (first.allowed || maxWaitMs === 0 || !Number.isFinite(first.retryAfterMs))) {
      if (first.allowed) return this.#lease(key, cost, slot, first);
      throw new RateLimitError({ result: first, spec: this.spec, scope: options.scope });
    }
    return this.#acquireAsync(key, cost, slot, first, maxWaitMs, options.scope);
  }

  #slotId(): string | false {
    if (this.spec.maxParallel === 0) return false;
    return this.store.slotTtlMs === undefined ? LOCAL_SLOT : `${SLOT_TAG}.${(++slotSeq).toString(36)}`;
  }

  async #acquireAsync(key: string, cost: number, slot: string | false, first: Awaitable<CheckResult>,
    maxWaitMs: number, scope?: string): Promise<Lease> {
    // The wait budget is real time, whatever clock the limits use.
    const start = performance.now();
    let r = await first;
    for (;;) {
      if (r.allowed) return this.#lease(key, cost, slot, r);
      const waited = performance.now() - start;
      if (this.#closed || !Number.isFinite(r.retryAfterMs) || !(r.retryAfterMs <= maxWaitMs - waited)) {
        throw new RateLimitError({ result: r, spec: this.spec, scope, waitedMs: maxWaitMs > 0 ? waited : undefined });
      }
      await this.#sleep(Math.min(MAX_TIMER_MS, Math.max(1, r.retryAfterMs)));
      r = await this.store.consume(key, cost, slot, this.#clock(), this.spec);
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
      // Ref'd: the app awaits this wait (bounded by its maxWaitMs); an unref'd one would let a lone
      // `await acquire()` end the process mid-wait.
      this.#waiters.push(done);
    });
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  #lease(key: string, cost: number, slot: string | false, result: CheckResult): Lease {
    // A fail-open grant took nothing in the store: it has nothing to release or refund there.
    const counted = result.limitType !== 'store_unavailable';
    let held = slot !== false && counted;
    let reserved = cost;
    let reconciled = !counted || this.spec.tpm === 0;
    let refunded = !counted;
    if (held && this.store.slotTtlMs !== undefined) this.#hold(slot as string, key);
    const release = (): void | Promise<void> => {
      if (!held) return;
      held = false;
      this.#unhold(slot as string);
      const p = quietly(() => this.store.release(key, slot as string, this.#clock(), this.spec));
      if (p instanceof Promise) return p.then(() => this.#wake());
      this.#wake();
    };
    return {
      key,
      result,
      reservedTokens: cost,
      release,
      reconcile: (actualTokens: unknown) => {
        if (reconciled) return;
        reconciled = true;
        const used = usableTokens(actualTokens);
        if (used === undefined || used === reserved) return;
        const delta = used - reserved;
        reserved = used;
        return quietly(() => this.store.adjust(key, 0, delta, this.#clock(), this.spec));
      },
      refund: () => {
        const r = release();
        if (refunded) return r;
        refunded = true;
        reconciled = true;
        const tokens = reserved;
        const a = quietly(() => this.store.adjust(key, -1, -tokens, this.#clock(), this.spec));
        return r instanceof Promise || a instanceof Promise ? Promise.all([r, a]).then(swallow) : undefined;
      },
    };
  }

  #hold(slot: string, key: string): void {
    this.#held.set(slot, key);
    if (this.#refresher !== undefined) return;
    // A third of the lease: two refreshes can be lost before a held slot expires.
    const every = Math.max(1, Math.floor(this.store.slotTtlMs! / 3));
    this.#refresher = setInterval(() => this.#refreshAll(), every);
    this.#refresher.unref();
  }

  #unhold(slot: string): void {
    if (!this.#held.delete(slot) || this.#held.size > 0 || this.#refresher === undefined) return;
    clearInterval(this.#refresher);
    this.#refresher = undefined;
  }

  #refreshAll(): void {
    const now = this.#clock();
    for (const [slot, key] of this.#held) void quietly(() => this.store.refresh?.(key, slot, now, this.spec));
  }

  /** Adds real token usage for key, minus what was reserved for it at check time. */
  reconcile(key: string, actualTokens: number, reservedTokens = 0): Awaitable<void> {
    checkKey('RateLimiter.reconcile', key);
    const where = 'RateLimiter.reconcile';
    const delta = checkTokens(where, actualTokens) - checkTokens(where, reservedTokens);
    if (delta === 0 || this.spec.tpm === 0) return;
    return this.store.adjust(key, 0, delta, this.#clock(), this.spec);
  }

  /** Undoes a granted check() (its request and `tokens`); a lease undoes itself with lease.refund(). */
  refund(key: string, tokens = 0): Awaitable<void> {
    checkKey('RateLimiter.refund', key);
    return this.store.adjust(key, -1, -checkTokens('RateLimiter.refund', tokens), this.#clock(), this.spec);
  }

  /** Ends waits (they reject with their RateLimitError), stops lease refreshes, closes the store. */
  close(): Awaitable<void> {
    this.#closed = true;
    this.#wake();
    if (this.#refresher !== undefined) clearInterval(this.#refresher);
    this.#refresher = undefined;
    this.#held.clear();
    return this.store.close?.();
  }
}
