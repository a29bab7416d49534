import { createHash } from 'node:crypto';
import { DEFAULTS as CONFIG_DEFAULTS, getConfig, type ModelLimits, type RateLimitConfig } from '../config';
import { MemoryStore, RateLimiter, RedisStore, type Lease, type RateLimitStore } from '../accelerators/ratelimit';
import { tokenCounter } from '../accelerators/tokens';
import { markInternal, type AnyFn } from './guard';

// Rate limiting around litellm's completion() and embedding(): the limits come from the config
// (rateLimit section, FAST_LITELLM_RPM/TPM/MAX_PARALLEL/REDIS_URL); the algorithms are the pure
// RateLimiter. Keys name LiteLLM proxy descriptors and never hold an API key, only its sha256:
//   FAST_LITELLM_RPM/TPM/MAX_PARALLEL  -> per model and API key  'model_per_key:<sha256>:<model>'
//   rateLimit.models[<model>]          -> per model, any key     'model:<model>'
//   rateLimit.apiKeys[<sha256>]        -> per API key, any model  'api_key:<sha256>'

interface Scope {
  limiter: RateLimiter;
  key: string;
  scope: 'model_per_key' | 'model' | 'api_key';
}

function limitsOf(l: ModelLimits): boolean {
  return l.rpm !== undefined || l.tpm !== undefined || l.maxParallel !== undefined;
}

export function hashApiKey(apiKey: unknown): string {
  return typeof apiKey === 'string' && apiKey !== '' ? createHash('sha256').update(apiKey).digest('hex') : 'default';
}

export class CallLimits {
  readonly cfg: RateLimitConfig;
  /** Some limiter counts tokens: only then are prompts counted. */
  readonly tokens: boolean;
  readonly #perPair: RateLimiter | undefined;
  readonly #models = new Map<string, RateLimiter>();
  readonly #keys = new Map<string, RateLimiter>();
  readonly #redis: RedisStore | undefined;

  constructor(cfg: RateLimitConfig) {
    this.cfg = cfg;
    if (cfg.redisUrl !== undefined) {
      const proxy = cfg.keyLayout === 'litellm-proxy';
      this.#redis = new RedisStore({
        url: cfg.redisUrl,
        keyLayout: cfg.keyLayout,
        // LiteLLM proxy keys carry no prefix: the default one would stop the sharing.
        keyPrefix: proxy && cfg.keyPrefix === CONFIG_DEFAULTS.rateLimit.keyPrefix ? '' : cfg.keyPrefix,
        failMode: cfg.failMode,
        timeoutMs: cfg.redisTimeoutMs,
        unref: true,
      });
    }
    let tokens = false;
    const make = (l: ModelLimits): RateLimiter => {
      if (l.tpm !== undefined) tokens = true;
      return new RateLimiter({ rpm: l.rpm, tpm: l.tpm, maxParallel: l.maxParallel, algorithm: cfg.algorithm, store: this.#store() });
    };
    this.#perPair = limitsOf(cfg) ? make(cfg) : undefined;
    for (const [model, l] of Object.entries(cfg.models)) if (limitsOf(l)) this.#models.set(model, make(l));
    for (const [hash, l] of Object.entries(cfg.apiKeys)) if (limitsOf(l)) this.#keys.set(hash, make(l));
    this.tokens = tokens;
  }

  /** Every limiter answers synchronously (memory): calls need no promise to be checked. */
  get sync(): boolean {
    return this.#redis === undefined;
  }

  #store(): RateLimitStore {
    return this.#redis ?? new MemoryStore();
  }

  get active(): boolean {
    return this.#perPair !== undefined || this.#models.size > 0 || this.#keys.size > 0;
  }

  scopes(model: unknown, apiKey: unknown): Scope[] {
    const out: Scope[] = [];
    const m = typeof model === 'string' ? model : '';
    const needHash = this.#perPair !== undefined || this.#keys.size > 0;
    const h = needHash ? hashApiKey(apiKey) : '';
    if (this.#perPair) out.push({ limiter: this.#perPair, key: `model_per_key:${h}:${m}`, scope: 'model_per_key' });
    const byModel = this.#models.get(m);
    if (byModel) out.push({ limiter: byModel, key: `model:${m}`, scope: 'model' });
    const byKey = this.#keys.get(h);
    if (byKey) out.push({ limiter: byKey, key: `api_key:${h}`, scope: 'api_key' });
    return out;
  }

  close(): Promise<void> | void {
    return this.#redis?.close();
  }
}

let built: { cfg: RateLimitConfig; limits: CallLimits } | undefined;

/** Limits for the current config, rebuilt when the config object changes. */
export function currentLimits(): CallLimits {
  const cfg = getConfig().rateLimit;
  if (built === undefined || built.cfg !== cfg) {
    void built?.limits.close();
    built = { cfg, limits: new CallLimits(cfg) };
  }
  return built.limits;
}

export async function closeLimits(): Promise<void> {
  const b = built;
  built = undefined;
  await b?.limits.close();
}

/** Prompt tokens, exact through the token accelerator; chars/4 if it cannot count this input. */
function promptTokens(model: string | undefined, params: Record<string, unknown>, kind: 'completion' | 'embedding'): number {
  try {
    if (kind === 'embedding') return tokenCounter({ model, text: params.input as string | string[] });
    return tokenCounter({ model, messages: params.messages as Record<string, unknown>[] });
  } catch {
    const text = JSON.stringify(kind === 'embedding' ? params.input : params.messages) ?? '';
    return Math.ceil(text.length / 4);
  }
}

function completionTokens(model: string | undefined, text: string): number {
  if (text === '') return 0;
  try {
    return tokenCounter({ model, text, countResponseTokens: true });
  } catch {
    return Math.ceil(text.length / 4);
  }
}

/** All scopes at once in memory without waiting: no promise at all on that common path. */
function acquireAllSync(scopes: Scope[], tokens: number): Lease[] {
  const leases: Lease[] = [];
  try {
    for (const s of scopes) leases.push(s.limiter.acquire(s.key, { tokens: s.limiter.spec.tpm ? tokens : 0, scope: s.scope }) as Lease);
  } catch (err) {
    refundAll(scopes, leases);
    throw err;
  }
  return leases;
}

/** All or nothing across scopes: give back what the earlier scopes granted. */
function refundAll(scopes: Scope[], leases: Lease[]): void {
  for (let i = 0; i < leases.length; i++) {
    const s = scopes[i];
    void s.limiter.refund(s.key, leases[i].reservedTokens, s.limiter.spec.maxParallel > 0);
  }
}

async function acquireAll(scopes: Scope[], tokens: number, cfg: RateLimitConfig): Promise<Lease[]> {
  const leases: Lease[] = [];
  const wait = cfg.onLimit === 'wait';
  const deadline = performance.now() + (wait ? cfg.maxWaitMs : 0);
  try {
    for (const s of scopes) {
      const maxWaitMs = wait ? Math.max(0, deadline - performance.now()) : 0;
      leases.push(await s.limiter.acquire(s.key, { tokens: s.limiter.spec.tpm ? tokens : 0, maxWaitMs, scope: s.scope }));
    }
  } catch (err) {
    refundAll(scopes, leases);
    throw err;
  }
  return leases;
}

function settle(leases: Lease[], usedTokens: number | undefined): void {
  for (const l of leases) {
    if (usedTokens !== undefined) void l.reconcile(usedTokens);
    void l.release();
  }
}

interface StreamState {
  leases: Lease[];
  done: boolean;
  model: string | undefined;
  prompt: number;
  text: string;
  usage: number | undefined;
  countTokens: boolean;
}

function endStream(st: StreamState): void {
  if (st.done) return;
  st.done = true;
  settle(st.leases, st.countTokens ? st.usage ?? st.prompt + completionTokens(st.model, st.text) : undefined);
}

// A stream dropped without return() (never iterated, or left mid-way) frees its slots when collected.
const abandoned = new FinalizationRegistry<StreamState>(endStream);

/** Holds the call's slots until the stream ends, throws, is returned from, or is garbage collected. */
function holdUntilDone(stream: AsyncIterable<unknown>, st: StreamState): AsyncIterableIterator<unknown> {
  const it = stream[Symbol.asyncIterator]();
  const wrapper: AsyncIterableIterator<unknown> = {
    async next(...args: [] | [unknown]) {
      let r: IteratorResult<unknown>;
      try {
        r = await it.next(...args);
      } catch (err) {
        endStream(st);
        throw err;
      }
      if (r.done) endStream(st);
      else if (st.countTokens) {
        const chunk = r.value as { choices?: { delta?: { content?: unknown } }[]; usage?: { total_tokens?: unknown } };
        const c = chunk?.choices?.[0]?.delta?.content;
        if (typeof c === 'string') st.text += c;
        const u = chunk?.usage?.total_tokens;
        if (typeof u === 'number') st.usage = u;
      }
      return r;
    },
    async return(value?: unknown) {
      endStream(st);
      return it.return ? it.return(value) : { done: true, value };
    },
    async throw(err?: unknown) {
      endStream(st);
      if (it.throw) return it.throw(err);
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  abandoned.register(wrapper, st, st);
  return wrapper;
}

/**
 * Wraps litellm's completion / embedding: check every scope before the call (tpm reserves the prompt's
 * tokens plus max_tokens), reconcile with the reported usage after, hold parallel slots until a
 * stream ends. Denials throw RateLimitError (or wait when onLimit is 'wait').
 */
export function rateLimited(kind: 'completion' | 'embedding') {
  return (original: AnyFn): AnyFn =>
    async function rateLimitedCall(this: unknown, params: Record<string, unknown>) {
      let limits: CallLimits;
      let scopes: Scope[];
      try {
        limits = currentLimits();
        scopes = params !== null && typeof params === 'object' ? limits.scopes(params.model, params.apiKey) : [];
      } catch (err) {
        throw markInternal(err); // our setup failed (e.g. ioredis missing): the guard calls the original
      }
      if (scopes.length === 0) return original.call(this, params);
      const model = typeof params.model === 'string' ? params.model : undefined;
      let prompt = 0;
      let reserve = 0;
      if (limits.tokens) {
        prompt = promptTokens(model, params, kind);
        const max = params.max_tokens;
        reserve = prompt + (typeof max === 'number' && Number.isInteger(max) && max > 0 ? max : 0);
      }
      const leases = limits.sync && limits.cfg.onLimit === 'error' ? acquireAllSync(scopes, reserve) : await acquireAll(scopes, reserve, limits.cfg);
      let result: unknown;
      try {
        result = await original.call(this, params);
      } catch (err) {
        settle(leases, limits.tokens ? 0 : undefined);
        throw err;
      }
      if (kind === 'completion' && params.stream && result !== null && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
        return holdUntilDone(result as AsyncIterable<unknown>, { leases, done: false, model, prompt, text: '', usage: undefined, countTokens: limits.tokens });
      }
      let used: number | undefined;
      if (limits.tokens) {
        const r = result as { usage?: { total_tokens?: unknown }; choices?: { message?: { content?: unknown } }[] };
        const total = r?.usage?.total_tokens;
        const content = r?.choices?.[0]?.message?.content;
        used = typeof total === 'number' ? total : prompt + (typeof content === 'string' ? completionTokens(model, content) : 0);
      }
      settle(leases, used);
      return result;
    };
}
