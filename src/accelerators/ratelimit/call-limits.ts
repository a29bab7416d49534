import { invalidArgument } from '../../errors';
import { admit, admitNow, type Admission, type Scope } from './admission';
import { RateLimiter } from './limiter';
import { MemoryStore } from './memory-store';
import { checkSetting, compileSpec, DEFAULTS, type Algorithm } from './options';
import { RedisStore, type RedisStoreOptions } from './redis-store';
import type { RateLimitStore } from './store';

// The limits of model calls, from plain settings: which limits a call is checked against and under
// which keys. Keys name LiteLLM proxy descriptors and never hold an API key, only its sha256:
//   perPair          -> per model and API key  'model_per_key:<sha256>:<model>'
//   models[<model>]  -> per model, any key     'model:<model>'
//   apiKeys[<sha256>]-> per API key, any model  'api_key:<sha256>'

export interface LimitSettings {
  rpm?: number;
  tpm?: number;
  maxParallel?: number;
}

export interface CallLimitsOptions {
  /** Limits of each (model, API key) pair. */
  perPair?: LimitSettings;
  /** Limits of a model across API keys. */
  models?: Readonly<Record<string, LimitSettings>>;
  /** Limits of an API key across models, by the sha256 hex digest of the key. */
  apiKeys?: Readonly<Record<string, LimitSettings>>;
  algorithm?: Algorithm;
  windowMs?: number;
  /** 'error' (default): deny at once; 'wait': wait up to maxWaitMs for the limits. */
  onLimit?: 'error' | 'wait';
  maxWaitMs?: number;
  /** Share the counts through Redis (one store for every limit); default: in this process. */
  redis?: Omit<RedisStoreOptions, 'client'> & { url: string };
}

const has = (l: LimitSettings | undefined): l is LimitSettings =>
  l !== undefined && (l.rpm !== undefined || l.tpm !== undefined || l.maxParallel !== undefined);

export class CallLimits {
  /** Some limit counts tokens: only then must a call's tokens be counted. */
  readonly countsTokens: boolean;
  /** Some limit is keyed by the API key: only then must its hash be computed. */
  readonly needsKeyHash: boolean;
  readonly maxWaitMs: number;
  readonly #perPair: RateLimiter | undefined;
  readonly #models = new Map<string, RateLimiter>();
  readonly #keys = new Map<string, RateLimiter>();
  readonly #redis: RedisStore | undefined;
  readonly #all: RateLimiter[] = [];

  /** Throws (InvalidArgumentError / OutOfRangeError) for a limit the limiters cannot enforce. */
  constructor(o: CallLimitsOptions) {
    if (o === null || typeof o !== 'object') invalidArgument('CallLimits: options', o, 'an object');
    const wait = o.onLimit ?? 'error';
    if (wait !== 'error' && wait !== 'wait') invalidArgument('CallLimits: onLimit', wait, 'error, wait');
    this.maxWaitMs = wait === 'wait' ? checkSetting('CallLimits', 'maxWaitMs', o.maxWaitMs, DEFAULTS.maxWaitMs) : 0;
    let tokens = false;
    const make = (where: string, l: LimitSettings): RateLimiter => {
      if (l.tpm !== undefined) tokens = true;
      const limits = { rpm: l.rpm, tpm: l.tpm, maxParallel: l.maxParallel, algorithm: o.algorithm,
        windowMs: o.windowMs };
      compileSpec(limits, where); // names the setting in the error, before any store is touched
      const store: RateLimitStore = this.#redis ?? new MemoryStore();
      const rl = new RateLimiter({ ...limits, store });
      this.#all.push(rl);
      return rl;
    };
    try {
      if (o.redis !== undefined) this.#redis = new RedisStore(o.redis);
      this.#perPair = has(o.perPair) ? make('CallLimits: perPair', o.perPair) : undefined;
      for (const [model, l] of Object.entries(o.models ?? {})) {
        if (has(l)) this.#models.set(model, make(`CallLimits: models.${model}`, l));
      }
      for (const [hash, l] of Object.entries(o.apiKeys ?? {})) {
        if (has(l)) this.#keys.set(hash, make('CallLimits: apiKeys', l));
      }
    } catch (err) {
      void this.#redis?.close();
      throw err;
    }
    this.countsTokens = tokens;
    this.needsKeyHash = this.#perPair !== undefined || this.#keys.size > 0;
  }

  /** Every limiter answers synchronously (in memory): calls need no promise to be checked. */
  get sync(): boolean {
    return this.#redis === undefined;
  }

  get active(): boolean {
    return this.#perPair !== undefined || this.#models.size > 0 || this.#keys.size > 0;
  }

  /** The limits a call of `model` with the API key hashed to `keyHash` is checked against. */
  scopes(model: string, keyHash: string): Scope[] {
    const out: Scope[] = [];
    const pair = this.#perPair;
    if (pair) out.push({ limiter: pair, key: `model_per_key:${keyHash}:${model}`, scope: 'model_per_key', model });
    const byModel = this.#models.get(model);
    if (byModel) out.push({ limiter: byModel, key: `model:${model}`, scope: 'model', model });
    const byKey = this.#keys.get(keyHash);
    if (byKey) out.push({ limiter: byKey, key: `api_key:${keyHash}`, scope: 'api_key', model });
    return out;
  }

  /**
   * Lets a call through every scope, reserving `tokens` against each tpm, or throws RateLimitError (a
   * rejection for async stores or waits). Sync when every store is and onLimit is 'error'.
   */
  admit(scopes: readonly Scope[], tokens: number): Admission | Promise<Admission> {
    return this.sync && this.maxWaitMs === 0 ? admitNow(scopes, tokens) : admit(scopes, tokens, this.maxWaitMs);
  }

  /** Ends waits, lease refreshes and the Redis connection. */
  async close(): Promise<void> {
    await Promise.all(this.#all.map(async (rl) => rl.close()));
    await this.#redis?.close();
  }
}
