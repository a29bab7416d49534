// Limit settings: types, defaults and the exact option checks shared by the limiter and the stores.

export type Algorithm = 'sliding-window' | 'token-bucket';
/** Names follow LiteLLM proxy's `rate_limit_type` values. */
export type LimitType = 'requests' | 'tokens' | 'max_parallel_requests' | 'store_unavailable';

export interface CheckResult {
  allowed: boolean;
  /** Remaining units of `limitType` after this check (requests, tokens or parallel slots). */
  remaining: number;
  limit: number;
  /** ms until the limit named by `limitType` is fully restored (window end, bucket full). */
  resetMs: number;
  /** 0 when allowed; else ms after which the same check can pass (Infinity: never, cost > limit). */
  retryAfterMs: number;
  /** The limit that denied the call, or when allowed the one `remaining` refers to. */
  limitType: LimitType;
  /** Per-type remainders for headers; Infinity when that limit is not configured. */
  remainingRequests: number;
  remainingTokens: number;
}

/** Limits compiled once; stores read plain numbers (0 = not configured). */
export interface LimitSpec {
  rpm: number;
  tpm: number;
  maxParallel: number;
  windowMs: number;
  algorithm: Algorithm;
}

export const DEFAULTS = Object.freeze({
  windowMs: 60_000,
  algorithm: 'sliding-window' as Algorithm,
  maxKeys: 1_000_000,
  redisTimeoutMs: 250,
  failMode: 'open' as 'open' | 'closed',
  keyPrefix: 'fast-litellm:rl:',
});

export const ALGORITHMS: readonly Algorithm[] = ['sliding-window', 'token-bucket'];

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  return typeof v;
}

/**
 * A positive limit: an integer >= 1 (a limit of 0 would deny everything; leave it unset instead).
 * Throws TypeError/RangeError with the option name so a bad config fails at startup.
 */
export function checkLimit(name: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number') {
    throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  }
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${describe(v)}`);
  }
  return v;
}

export function checkOptionalLimit(name: string, v: unknown, max?: number): number {
  return v === undefined || v === null ? 0 : checkLimit(name, v, max);
}

export function checkAlgorithm(name: string, v: unknown): Algorithm {
  if (v === undefined) return DEFAULTS.algorithm;
  if (!ALGORITHMS.includes(v as Algorithm)) {
    throw new RangeError(`${name} must be one of ${ALGORITHMS.map((a) => `'${a}'`).join(', ')}, got ${describe(v)}`);
  }
  return v as Algorithm;
}

export interface LimiterOptions {
  rpm?: number;
  tpm?: number;
  maxParallel?: number;
  windowMs?: number;
  algorithm?: Algorithm;
}

export function compileSpec(o: LimiterOptions, prefix = 'RateLimiter'): LimitSpec {
  if (o === null || typeof o !== 'object') throw new TypeError(`${prefix} options must be an object`);
  const spec: LimitSpec = {
    rpm: checkOptionalLimit(`${prefix}: rpm`, o.rpm, 0xffff_ffff),
    tpm: checkOptionalLimit(`${prefix}: tpm`, o.tpm, 0xffff_ffff),
    // Parallel counts live in 16-bit cells of the memory store.
    maxParallel: checkOptionalLimit(`${prefix}: maxParallel`, o.maxParallel, 0xffff),
    windowMs: o.windowMs === undefined ? DEFAULTS.windowMs : checkLimit(`${prefix}: windowMs`, o.windowMs, 0x7fff_ffff),
    algorithm: checkAlgorithm(`${prefix}: algorithm`, o.algorithm),
  };
  if (spec.rpm === 0 && spec.tpm === 0 && spec.maxParallel === 0) {
    throw new RangeError(`${prefix}: set at least one of rpm, tpm, maxParallel`);
  }
  return spec;
}

export function sameSpec(a: LimitSpec, b: LimitSpec): boolean {
  return a.rpm === b.rpm && a.tpm === b.tpm && a.maxParallel === b.maxParallel &&
    a.windowMs === b.windowMs && a.algorithm === b.algorithm;
}
