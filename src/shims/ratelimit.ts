import { createHash } from 'node:crypto';
import { getConfig, type RateLimitConfig } from '../config';
import {
  answerUsage, CallLimits as Limits, holdUntilDone, RateLimitError, reservedTokens, type Admission,
  type CallLimitsOptions, type Scope,
} from '../accelerators/ratelimit';
import { tokenCounter } from '../accelerators/tokens';
import { markInternal, type AnyFn } from './guard';

// Adapter between litellm's completion() / embedding() and the rate-limit accelerator: it reads the
// config and litellm's call shape (model, apiKey, messages/input, max_tokens, stream); the limits,
// keys, reservations and stream holding are the accelerator's (call-limits.ts, stream-hold.ts).

type Kind = 'completion' | 'embedding';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NOT_UTF8 = Buffer.from([0xff]);

export function hashApiKey(apiKey: unknown): string {
  if (typeof apiKey !== 'string' || apiKey === '') return 'default';
  // UTF-8 turns every lone surrogate into U+FFFD, which would give two such keys one scope: those are
  // hashed by their UTF-16 code units after a byte no UTF-8 text holds (other keys keep LiteLLM's hash).
  if (!LONE_SURROGATE.test(apiKey)) return createHash('sha256').update(apiKey).digest('hex');
  return createHash('sha256').update(NOT_UTF8).update(Buffer.from(apiKey, 'utf16le')).digest('hex');
}

function optionsOf(cfg: RateLimitConfig): CallLimitsOptions {
  return {
    perPair: { rpm: cfg.rpm, tpm: cfg.tpm, maxParallel: cfg.maxParallel },
    models: cfg.models,
    apiKeys: cfg.apiKeys,
    algorithm: cfg.algorithm,
    onLimit: cfg.onLimit,
    maxWaitMs: cfg.maxWaitMs,
    redis: cfg.redisUrl === undefined ? undefined : {
      url: cfg.redisUrl,
      keyLayout: cfg.keyLayout,
      keyPrefix: cfg.keyPrefix,
      failMode: cfg.failMode,
      timeoutMs: cfg.redisTimeoutMs,
    },
  };
}

/** The config's limits, taking a call's own inputs: the API key is hashed here and never kept. */
export class CallLimits extends Limits {
  constructor(cfg: RateLimitConfig) {
    super(optionsOf(cfg));
  }

  override scopes(model: unknown, apiKey: unknown): Scope[] {
    return super.scopes(typeof model === 'string' ? model : '', this.needsKeyHash ? hashApiKey(apiKey) : '');
  }
}

/** The limits of one config object, or why they cannot be enforced (thrown at every call, never skipped). */
let built: { cfg: RateLimitConfig; limits?: CallLimits; error?: unknown } | undefined;

function currentLimits(): CallLimits {
  const cfg = getConfig().rateLimit;
  if (built === undefined || built.cfg !== cfg) {
    void built?.limits?.close();
    try {
      built = { cfg, limits: new CallLimits(cfg) };
    } catch (error) {
      built = { cfg, error };
    }
  }
  if (built.error !== undefined) throw built.error;
  return built.limits!;
}

export async function closeLimits(): Promise<void> {
  const b = built;
  built = undefined;
  await b?.limits?.close();
}

/** Tokens of a text, exact through the token accelerator; chars/4 if it cannot count this input. */
function countText(model: string | undefined, text: string): number {
  if (text === '') return 0;
  try {
    return tokenCounter({ model, text, countResponseTokens: true });
  } catch {
    return Math.ceil(text.length / 4);
  }
}

function promptTokens(model: string | undefined, params: Record<string, unknown>, kind: Kind): number {
  try {
    if (kind === 'embedding') return tokenCounter({ model, text: params.input as string | string[] });
    return tokenCounter({ model, messages: params.messages as Record<string, unknown>[] });
  } catch {
    const text = JSON.stringify(kind === 'embedding' ? params.input : params.messages) ?? '';
    return Math.ceil(text.length / 4);
  }
}

/**
 * Wraps litellm's completion / embedding: every scope is checked before the call (tpm reserves the
 * prompt's tokens plus max_tokens), settled with the reported usage after, and a stream holds its
 * slots until it ends. Denials throw RateLimitError (or wait when onLimit is 'wait'); limits that
 * cannot be enforced throw their error at every call rather than letting calls through unlimited.
 */
export function rateLimited(kind: Kind) {
  return (original: AnyFn): AnyFn =>
    async function rateLimitedCall(this: unknown, params: Record<string, unknown>) {
      const limits = currentLimits();
      if (params === null || typeof params !== 'object') return original.call(this, params);
      const model = typeof params.model === 'string' ? params.model : undefined;
      let admission: Admission;
      let prompt = 0;
      try {
        const scopes = limits.scopes(model, params.apiKey);
        if (scopes.length === 0) return original.call(this, params);
        if (limits.countsTokens) prompt = promptTokens(model, params, kind);
        admission = await limits.admit(scopes, limits.countsTokens ? reservedTokens(prompt, params.max_tokens) : 0);
      } catch (err) {
        if (err instanceof RateLimitError) throw err;
        throw markInternal(err); // our own path failed: the guard calls the original
      }
      let result: unknown;
      try {
        result = await original.call(this, params);
      } catch (err) {
        admission.settle(limits.countsTokens ? 0 : undefined);
        throw err;
      }
      if (kind === 'completion' && params.stream && result !== null &&
        typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
        const tally = {
          counting: limits.countsTokens, promptTokens: prompt,
          countText: (t: string) => countText(model, t),
        };
        return holdUntilDone(result as AsyncIterable<unknown>, admission, tally);
      }
      let used: number | undefined;
      try {
        if (limits.countsTokens) used = answerUsage(result, prompt, (t) => countText(model, t));
      } catch {
        used = undefined; // keep the reservation; the slots are released all the same
      }
      admission.settle(used);
      return result;
    };
}
