import { CODES, invalidArgument, outOfRange } from '../../errors';
import { checkRange, DEFAULTS, defaultKeyPrefix, LIMIT_RANGES, type CheckResult, type KeyLayout, type LimitSpec,
  type LimitType } from './options';
import { LITELLM_PROXY_SCRIPT, NATIVE_SCRIPT } from './lua';
import { dropClient, ownClient, type RedisLike } from '../redis/client';
import { ScriptCalls, type Reply } from './redis-calls';
import type { RateLimitStore } from './store';

export interface RedisStoreOptions {
  /** redis:// URL; the store then owns (and closes) its ioredis client, which never holds the process. */
  url?: string;
  /** An existing ioredis client (left open by close()). */
  client?: unknown;
  /** Prepended to every key (default 'fast-litellm:rl:'; '' with keyLayout 'litellm-proxy'). */
  keyPrefix?: string;
  /**
   * 'fast-litellm' (default): one string per key. 'litellm-proxy': LiteLLM proxy's `{descriptor}:requests`
   * keys and fixed-window semantics, so Node workers and a Python LiteLLM proxy count together.
   */
  keyLayout?: KeyLayout;
  /** When Redis is down or silent for timeoutMs: allow ('open', default) or deny ('closed'). */
  failMode?: 'open' | 'closed';
  /** ms Redis may stay silent while it owes an answer (default 250); our own busy time is not counted. */
  timeoutMs?: number;
  /** ms a parallel slot stays taken without a refresh (default 30,000); RateLimiter refreshes held ones. */
  slotTtlMs?: number;
}

const TYPES: LimitType[] = ['requests', 'requests', 'tokens', 'max_parallel_requests'];
const CMD = 'fastLitellmRateLimit';
const CMD_PROXY = 'fastLitellmRateLimitProxy';
/** Items per script call: bounds how long one call holds Redis. */
const MAX_BATCH = 128;
/** Integers per item in a reply (see lua.ts). */
const REPLY_WIDTH = 7;
const SLOT_TTL_RANGE = { min: 100, max: 0x7fff_ffff, integer: true } as const;

/** The script's leading arguments: one limiter's spec, shared by every item of a call. */
const headers = new WeakMap<LimitSpec, (string | number)[]>();

const inf = (n: number): number => (n < 0 ? Infinity : n);

function oneOf<T extends string>(where: string, v: unknown, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!allowed.includes(v as T)) invalidArgument(where, v, allowed.join(', '));
  return v as T;
}

export class RedisStore implements RateLimitStore {
  readonly async = true;
  readonly keyPrefix: string;
  readonly keyLayout: KeyLayout;
  readonly failMode: 'open' | 'closed';
  readonly timeoutMs: number;
  readonly slotTtlMs: number;
  /** Commands that failed or went unanswered (each answered per failMode). */
  errors = 0;
  /** The ioredis client; one the store built from a URL is unref'd (it never holds the process). */
  readonly client: RedisLike;
  readonly #owned: boolean;
  readonly #calls: ScriptCalls;
  #warned = false;
  #closed = false;

  constructor(options: RedisStoreOptions) {
    if (options === null || typeof options !== 'object') invalidArgument('RedisStore: options', options, 'an object');
    const { url, client } = options;
    if ((url === undefined) === (client === undefined)) {
      invalidArgument('RedisStore: options', options, 'an object with exactly one of url, client');
    }
    if (url !== undefined && typeof url !== 'string') invalidArgument('RedisStore: url', url, 'a redis:// URL string');
    const layouts: KeyLayout[] = ['fast-litellm', 'litellm-proxy'];
    this.keyLayout = oneOf('RedisStore: keyLayout', options.keyLayout, layouts, DEFAULTS.keyLayout);
    this.keyPrefix = options.keyPrefix ?? defaultKeyPrefix(this.keyLayout);
    if (typeof this.keyPrefix !== 'string') invalidArgument('RedisStore: keyPrefix', this.keyPrefix, 'a string');
    this.failMode = oneOf('RedisStore: failMode', options.failMode, ['open', 'closed'], DEFAULTS.failMode);
    this.timeoutMs = options.timeoutMs === undefined
      ? DEFAULTS.redisTimeoutMs
      : checkRange('RedisStore: timeoutMs', options.timeoutMs, LIMIT_RANGES.redisTimeoutMs);
    this.slotTtlMs = options.slotTtlMs === undefined
      ? DEFAULTS.slotTtlMs
      : checkRange('RedisStore: slotTtlMs', options.slotTtlMs, SLOT_TTL_RANGE);
    if (url !== undefined) {
      // A connection attempt has its own, longer bound: a busy loop must not abort a healthy connect.
      // Our deadline (redis-deadline.ts) times commands; ioredis' own timer would count our busy loop.
      this.client = ownClient(url, { who: 'RedisStore', connectTimeoutMs: Math.max(10_000, this.timeoutMs) });
      this.#owned = true;
    } else {
      this.client = client as RedisLike;
      if (!this.client || typeof this.client.defineCommand !== 'function') {
        invalidArgument('RedisStore: client', client, 'an ioredis client');
      }
      this.#owned = false;
    }
    // An 'error' event without a listener would crash the process.
    this.client.on('error', (e: unknown) => this.#warn(e));
    this.client.on('ready', () => {
      this.#warned = false;
    });
    this.client.defineCommand(CMD, { lua: NATIVE_SCRIPT });
    this.client.defineCommand(CMD_PROXY, { lua: LITELLM_PROXY_SCRIPT });
    this.#calls = new ScriptCalls(this.client, {
      command: this.keyLayout === 'fast-litellm' ? CMD : CMD_PROXY,
      timeoutMs: this.timeoutMs,
      batching: (this.client as { isCluster?: boolean }).isCluster !== true,
      replyWidth: REPLY_WIDTH,
      maxBatch: MAX_BATCH,
      keysOf: (key, spec) => this.#keys(key, spec),
      headerOf: (spec) => this.#header(spec),
      onError: (e, items) => {
        this.errors += items;
        this.#warn(e);
      },
      onStall: () => {
        // Its queue goes with the connection; a new one is made at once (own client only).
        if (this.#owned && !this.#closed) this.client.disconnect(true);
      },
    });
  }

  bind(spec: LimitSpec): void {
    if (this.keyLayout !== 'litellm-proxy') return;
    if (spec.algorithm !== 'sliding-window') {
      invalidArgument("RedisStore (keyLayout 'litellm-proxy'): algorithm", spec.algorithm,
        "'sliding-window' (LiteLLM's fixed window)");
    }
    if (spec.windowMs % 1000 !== 0) {
      const where = "RedisStore (keyLayout 'litellm-proxy'): windowMs";
      outOfRange(where, spec.windowMs, 'a multiple of 1000 (whole seconds)');
    }
  }

  #warn(e: unknown): void {
    if (this.#warned || this.#closed) return;
    this.#warned = true;
    const msg = e instanceof Error ? e.message : String(e);
    const text = `fast-litellm rate limiting: Redis unavailable (${msg}); failing ${this.failMode} until it returns`;
    process.emitWarning(text, { code: CODES.STORE_UNAVAILABLE });
  }

  #keys(key: string, spec: LimitSpec): string[] {
    if (this.keyLayout === 'fast-litellm') {
      // One hash tag for the state and its slots: one cluster slot.
      const k = `${this.keyPrefix}{${key}}`;
      return spec.maxParallel ? [k, k + ':slots'] : [k];
    }
    const d = `{${this.keyPrefix}${key}}:`;
    const keys = [d + 'window', d + 'requests', d + 'tokens'];
    if (spec.maxParallel) keys.push(d + 'max_parallel_requests', d + 'fast_litellm_slots');
    return keys;
  }

  /** The script's leading arguments: one limiter's spec, shared by every item of a call. */
  #header(s: LimitSpec): (string | number)[] {
    let h = headers.get(s);
    if (h === undefined) {
      h = [s.windowMs, s.algorithm === 'token-bucket' ? 'b' : 's', s.rpm, s.tpm, s.maxParallel, this.slotTtlMs];
      headers.set(s, h);
    }
    return h;
  }

  consume(key: string, cost: number, slot: string | false, now: number, s: LimitSpec): Promise<CheckResult> {
    const args = slot === false || !s.maxParallel ? ['c', now, cost] : ['C', now, cost, slot];
    return this.#calls.run(key, s, args).then((r) => {
      // Unanswered: the script may still run on Redis and take the slot; give it back if it did.
      if (r === null && args.length === 4) void this.release(key, slot as string, now, s);
      return this.#result(r, s);
    });
  }

  #result(reply: Reply, s: LimitSpec): CheckResult {
    if (reply === null || !Array.isArray(reply.r) || reply.r.length < reply.at + REPLY_WIDTH) return this.#failed(s);
    const { r, at } = reply;
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

  /** Redis did not answer: allowed without counting (open; limitType says so) or denied (closed). */
  #failed(s: LimitSpec): CheckResult {
    const limit = s.rpm || s.tpm || s.maxParallel;
    if (this.failMode === 'open') {
      return { allowed: true, remaining: limit, limit, resetMs: 0, retryAfterMs: 0, limitType: 'store_unavailable',
        remainingRequests: s.rpm || Infinity, remainingTokens: s.tpm || Infinity };
    }
    const retry = Math.max(1000, this.timeoutMs);
    return { allowed: false, remaining: 0, limit, resetMs: retry, retryAfterMs: retry, limitType: 'store_unavailable',
      remainingRequests: 0, remainingTokens: 0 };
  }

  async adjust(key: string, dRequests: number, dTokens: number, now: number, s: LimitSpec): Promise<void> {
    if (s.rpm === 0) dRequests = 0;
    if (s.tpm === 0) dTokens = 0;
    if (dRequests === 0 && dTokens === 0) return;
    await this.#calls.run(key, s, ['a', now, dRequests, dTokens]);
  }

  async release(key: string, slot: string, now: number, s: LimitSpec): Promise<void> {
    if (s.maxParallel) await this.#calls.run(key, s, ['r', now, slot]);
  }

  async refresh(key: string, slot: string, now: number, s: LimitSpec): Promise<void> {
    if (s.maxParallel) await this.#calls.run(key, s, ['f', now, slot]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#calls.close();
    if (!this.#owned) return;
    if (this.client.status !== 'ready') return dropClient(this.client);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.timeoutMs);
      timer.unref();
    });
    await Promise.race([this.client.quit().catch(() => undefined), late]);
    clearTimeout(timer);
    dropClient(this.client);
  }
}
