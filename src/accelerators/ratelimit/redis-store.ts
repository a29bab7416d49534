import { DEFAULTS, type CheckResult, type LimitSpec, type LimitType } from './options';
import { LITELLM_PROXY_SCRIPT, NATIVE_SCRIPT } from './lua';
import type { RateLimitStore } from './store';

/** The slice of an ioredis 5 client this store uses. */
interface RedisLike {
  status: string;
  defineCommand(name: string, def: { numberOfKeys?: number; lua: string }): void;
  on(event: string, fn: (...a: unknown[]) => void): unknown;
  once(event: string, fn: (...a: unknown[]) => void): unknown;
  removeListener(event: string, fn: (...a: unknown[]) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
  [command: string]: unknown;
}

export interface RedisStoreOptions {
  /** redis:// URL; the store then owns (and closes) its ioredis client. */
  url?: string;
  /** An existing ioredis client (left open by close()). */
  client?: unknown;
  /** Prepended to every key (default 'fast-litellm:rl:'; '' with keyLayout 'litellm-proxy'). */
  keyPrefix?: string;
  /**
   * 'fast-litellm' (default): one hash per key. 'litellm-proxy': LiteLLM proxy's `{descriptor}:requests`
   * keys and fixed-window semantics, so Node workers and a Python LiteLLM proxy count together.
   */
  keyLayout?: 'fast-litellm' | 'litellm-proxy';
  /** When Redis is down or slower than timeoutMs: allow ('open', default) or deny ('closed'). */
  failMode?: 'open' | 'closed';
  /** Per-command deadline in ms (default 250). */
  timeoutMs?: number;
  /** Let the process exit while the connection is open (for a client the store owns). */
  unref?: boolean;
}

const TYPES: LimitType[] = ['requests', 'requests', 'tokens', 'max_parallel_requests'];
const CMD = 'fastLitellmRateLimit';
const CMD_PROXY = 'fastLitellmRateLimitProxy';
/** Items per script call: bounds how long one call holds Redis. */
const MAX_BATCH = 128;
/** Integers per item in a reply (see lua.ts). */
const REPLY_WIDTH = 7;

/** The script's leading arguments: one limiter's spec, shared by every item of a call. */
const headers = new WeakMap<LimitSpec, (string | number)[]>();
function header(s: LimitSpec): (string | number)[] {
  let h = headers.get(s);
  if (h === undefined) {
    h = [s.windowMs, s.algorithm === 'token-bucket' ? 'b' : 's', s.rpm, s.tpm, s.maxParallel];
    headers.set(s, h);
  }
  return h;
}

/** A reply and where this item's 7 integers start in it; null when Redis failed. */
type Slot = { r: unknown[]; at: number } | null;
const NULL_SLOT: Promise<Slot> = Promise.resolve(null);

interface Pending {
  key: string;
  spec: LimitSpec;
  args: (string | number)[];
  resolve(slot: Slot): void;
}
const inf = (n: number): number => (n < 0 ? Infinity : n);

function loadIoredis(): new (url: string, opts: object) => RedisLike {
  try {
    // Optional peer dependency, loaded only when a RedisStore is built from a URL.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('ioredis') as new (url: string, opts: object) => RedisLike;
  } catch {
    throw new Error('RedisStore: the optional dependency ioredis is not installed (npm i ioredis), or pass { client }');
  }
}

export class RedisStore implements RateLimitStore {
  readonly async = true;
  readonly keyPrefix: string;
  readonly keyLayout: 'fast-litellm' | 'litellm-proxy';
  readonly failMode: 'open' | 'closed';
  readonly timeoutMs: number;
  /** Commands that failed or timed out (each answered per failMode). */
  errors = 0;
  readonly client: RedisLike;
  readonly #owned: boolean;
  #warned = false;
  #everReady = false;
  #closed = false;
  /** Off for a Redis Cluster: one script call may only touch keys of one slot (CROSSSLOT). */
  readonly #batching: boolean;

  constructor(options: RedisStoreOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('RedisStore: options must be an object');
    const { url, client } = options;
    if ((url === undefined) === (client === undefined)) throw new TypeError('RedisStore: pass exactly one of url, client');
    if (url !== undefined && typeof url !== 'string') throw new TypeError('RedisStore: url must be a string');
    this.keyLayout = options.keyLayout ?? 'fast-litellm';
    if (this.keyLayout !== 'fast-litellm' && this.keyLayout !== 'litellm-proxy') {
      throw new RangeError(`RedisStore: keyLayout must be 'fast-litellm' or 'litellm-proxy', got ${JSON.stringify(this.keyLayout)}`);
    }
    this.keyPrefix = options.keyPrefix ?? (this.keyLayout === 'litellm-proxy' ? '' : DEFAULTS.keyPrefix);
    if (typeof this.keyPrefix !== 'string') throw new TypeError('RedisStore: keyPrefix must be a string');
    this.failMode = options.failMode ?? DEFAULTS.failMode;
    if (this.failMode !== 'open' && this.failMode !== 'closed') {
      throw new RangeError(`RedisStore: failMode must be 'open' or 'closed', got ${JSON.stringify(this.failMode)}`);
    }
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.redisTimeoutMs;
    if (typeof this.timeoutMs !== 'number' || !Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new RangeError(`RedisStore: timeoutMs must be a positive number, got ${String(this.timeoutMs)}`);
    }
    if (url !== undefined) {
      const Redis = loadIoredis();
      this.client = new Redis(url, {
        // Fail fast while disconnected instead of queueing checks until Redis returns.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: this.timeoutMs,
        connectTimeout: Math.max(1000, this.timeoutMs),
        retryStrategy: (times: number) => Math.min(50 * times, 1000),
      });
      this.#owned = true;
      if (options.unref) {
        const c = this.client as unknown as { stream?: { unref?(): void } };
        this.client.on('connect', () => c.stream?.unref?.());
      }
    } else {
      this.client = client as RedisLike;
      if (!this.client || typeof this.client.defineCommand !== 'function') {
        throw new TypeError('RedisStore: client must be an ioredis client');
      }
      this.#owned = false;
    }
    this.#batching = (this.client as { isCluster?: boolean }).isCluster !== true;
    // An 'error' event without a listener would crash the process.
    this.client.on('error', (e: unknown) => this.#warn(e));
    this.client.on('ready', () => {
      this.#everReady = true;
      this.#warned = false;
    });
    if (this.client.status === 'ready') this.#everReady = true;
    this.client.defineCommand(CMD, { lua: NATIVE_SCRIPT });
    this.client.defineCommand(CMD_PROXY, { lua: LITELLM_PROXY_SCRIPT });
  }

  bind(spec: LimitSpec): void {
    if (this.keyLayout === 'litellm-proxy') {
      if (spec.algorithm !== 'sliding-window') {
        throw new RangeError("RedisStore: keyLayout 'litellm-proxy' uses LiteLLM's fixed window; algorithm must be 'sliding-window'");
      }
      if (spec.windowMs % 1000 !== 0) {
        throw new RangeError(`RedisStore: keyLayout 'litellm-proxy' counts whole seconds; windowMs must be a multiple of 1000, got ${spec.windowMs}`);
      }
    }
  }

  #warn(e: unknown): void {
    if (this.#warned || this.#closed) return;
    this.#warned = true;
    const msg = e instanceof Error ? e.message : String(e);
    process.emitWarning(`fast-litellm rate limiting: Redis unavailable (${msg}); failing ${this.failMode} until it returns`, {
      code: 'FAST_LITELLM_REDIS_UNAVAILABLE',
    });
  }

  #keys(key: string): string[] {
    if (this.keyLayout === 'fast-litellm') return [this.keyPrefix + key];
    const d = `{${this.keyPrefix}${key}}:`;
    return [d + 'window', d + 'requests', d + 'tokens', d + 'max_parallel_requests'];
  }

  #queue: Pending[] = [];
  #tickOpen = false;

  /**
   * The first call of a tick goes out at once (no added latency for sequential callers); calls made
   * later in the same tick share one script call per limiter: one round trip for the lot, each item
   * atomic and in call order.
   */
  #run(key: string, spec: LimitSpec, args: (string | number)[]): Promise<Slot> {
    if (this.#closed) return NULL_SLOT;
    if (this.#batching) {
      if (this.#tickOpen) return new Promise((resolve) => void this.#queue.push({ key, spec, args, resolve }));
      this.#tickOpen = true;
      queueMicrotask(this.#flushBound);
    }
    if (this.#everReady) return this.#single(key, spec, args);
    return new Promise((resolve) => void this.#send([{ key, spec, args, resolve }]));
  }

  #command(keys: string[], spec: LimitSpec, args: (string | number)[]): Promise<unknown[]> {
    const c = this.client as unknown as Record<string, (...a: unknown[]) => Promise<unknown[]>>;
    const p = c[this.keyLayout === 'fast-litellm' ? CMD : CMD_PROXY](keys.length, ...keys, ...header(spec), ...args);
    return this.#owned ? p : withTimeout(p, this.timeoutMs);
  }

  /** The lone call of a tick: straight to ioredis, no batching arrays. */
  #single(key: string, spec: LimitSpec, args: (string | number)[]): Promise<Slot> {
    let p: Promise<unknown[]>;
    try {
      p = this.#command(this.#keys(key), spec, args);
    } catch (e) {
      return Promise.resolve(this.#onError(e));
    }
    return p.then((r) => ({ r, at: 0 }), this.#onError);
  }

  readonly #onError = (e: unknown): null => {
    this.errors++;
    this.#warn(e);
    return null;
  };

  readonly #flushBound = (): void => this.#flush();

  #flush(): void {
    this.#tickOpen = false;
    const all = this.#queue;
    if (all.length === 0) return;
    this.#queue = [];
    // Consecutive items of one limiter (one spec) share a call, so call order is kept.
    let from = 0;
    for (let i = 1; i <= all.length; i++) {
      if (i === all.length || all[i].spec !== all[from].spec || i - from === MAX_BATCH) {
        void this.#send(all.slice(from, i));
        from = i;
      }
    }
  }

  async #send(items: Pending[]): Promise<void> {
    let r: unknown[] | null = null;
    try {
      if (!this.#everReady) await this.#firstConnect();
      const keys: string[] = [];
      const args: (string | number)[] = [];
      for (const it of items) {
        keys.push(...this.#keys(it.key));
        args.push(...it.args);
      }
      r = await this.#command(keys, items[0].spec, args);
    } catch (e) {
      this.errors += items.length;
      this.#warn(e);
    }
    for (let i = 0; i < items.length; i++) items[i].resolve(r === null ? null : { r, at: i * REPLY_WIDTH });
  }

  #connecting: Promise<void> | undefined;

  /** One shared wait for the first connection (checks made right after construction). */
  #firstConnect(): Promise<void> {
    this.#connecting ??= new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        this.client.removeListener('ready', onReady);
        reject(new Error(`not connected within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      t.unref?.();
      const onReady = (): void => {
        clearTimeout(t);
        resolve();
      };
      this.client.once('ready', onReady);
    }).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  consume(key: string, cost: number, acquire: boolean, now: number, s: LimitSpec): Promise<CheckResult> {
    return this.#run(key, s, [acquire ? 'C' : 'c', now, cost]).then((slot) => this.#result(slot, s));
  }

  #result(slot: Slot, s: LimitSpec): CheckResult {
    if (slot === null || !Array.isArray(slot.r) || slot.r.length < slot.at + REPLY_WIDTH) return this.#failed(s);
    const { r, at } = slot;
    const type = TYPES[r[at + 1] as number];
    const limit = type === 'requests' ? s.rpm : type === 'tokens' ? s.tpm : s.maxParallel;
    return {
      allowed: r[at] === 1,
      remaining: r[at + 2] as number,
      limit,
      resetMs: r[at + 3] as number,
      retryAfterMs: inf(r[at + 4] as number),
      limitType: type,
      remainingRequests: inf(r[at + 5] as number),
      remainingTokens: inf(r[at + 6] as number),
    };
  }

  #failed(s: LimitSpec): CheckResult {
    const type: LimitType = s.rpm ? 'requests' : s.tpm ? 'tokens' : 'max_parallel_requests';
    const limit = s.rpm || s.tpm || s.maxParallel;
    if (this.failMode === 'open') {
      return { allowed: true, remaining: limit, limit, resetMs: 0, retryAfterMs: 0, limitType: type, remainingRequests: s.rpm || Infinity, remainingTokens: s.tpm || Infinity };
    }
    const retry = Math.max(1000, this.timeoutMs);
    return { allowed: false, remaining: 0, limit, resetMs: retry, retryAfterMs: retry, limitType: 'store_unavailable', remainingRequests: 0, remainingTokens: 0 };
  }

  async adjust(key: string, dRequests: number, dTokens: number, dParallel: number, now: number, s: LimitSpec): Promise<void> {
    await this.#run(key, s, ['a', now, dRequests, dTokens, dParallel]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#owned) return;
    try {
      await withTimeout(this.client.quit(), this.timeoutMs);
    } catch {
      this.client.disconnect();
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`Redis command timed out after ${ms} ms`)), ms);
    t.unref?.();
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
