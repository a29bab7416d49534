// Limit settings: types, defaults, ranges and the option checks shared by the limiter and the stores.
import { invalidArgument, outOfRange } from '../../errors';

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

export type KeyLayout = 'fast-litellm' | 'litellm-proxy';

/** The one home of the rate-limit defaults; the config reads them from here. */
export const DEFAULTS = Object.freeze({
  windowMs: 60_000,
  algorithm: 'sliding-window' as Algorithm,
  maxKeys: 1_000_000,
  maxWaitMs: 30_000,
  redisTimeoutMs: 250,
  /** ms a parallel slot in Redis stays taken without a refresh (a crashed holder's slot comes back). */
  slotTtlMs: 30_000,
  failMode: 'open' as 'open' | 'closed',
  keyLayout: 'fast-litellm' as KeyLayout,
  /** Prefix of our own key layout. The 'litellm-proxy' layout has none: see defaultKeyPrefix(). */
  keyPrefix: 'fast-litellm:rl:',
});

/** The key prefix used when none is given: LiteLLM proxy keys carry none, or the sharing would stop. */
export function defaultKeyPrefix(layout: KeyLayout): string {
  return layout === 'litellm-proxy' ? '' : DEFAULTS.keyPrefix;
}

export interface LimitRange {
  readonly min: number;
  readonly max: number;
  readonly integer: true;
}

const range = (min: number, max: number): LimitRange => Object.freeze({ min, max, integer: true });

/**
 * What the limiter can enforce, per numeric setting: the config validates against this same table, so a
 * value that passes the config never fails in the limiter. The bounds come from the stores: counts live
 * in 32-bit cells, parallel slots in 16-bit ones; timers (windows, waits, timeouts) cannot exceed 2^31-1.
 */
export const LIMIT_RANGES = Object.freeze({
  rpm: range(1, 0xffff_ffff),
  tpm: range(1, 0xffff_ffff),
  maxParallel: range(1, 0xffff),
  windowMs: range(1, 0x7fff_ffff),
  maxWaitMs: range(0, 0x7fff_ffff),
  redisTimeoutMs: range(1, 0x7fff_ffff),
});

export type RangedSetting = keyof typeof LIMIT_RANGES;

export const ALGORITHMS: readonly Algorithm[] = ['sliding-window', 'token-bucket'];

/** "an integer from 1 to 65535", as the config and the limiter both say it. */
export function describeRange(r: LimitRange): string {
  return `an integer from ${r.min} to ${r.max}`;
}

/** A value within `r`, or InvalidArgumentError (not a number) / OutOfRangeError, named by `where`. */
export function checkRange(where: string, v: unknown, r: LimitRange): number {
  if (typeof v !== 'number') invalidArgument(where, v, describeRange(r));
  if (!Number.isInteger(v) || v < r.min || v > r.max) outOfRange(where, v, describeRange(r));
  return v;
}

/** A setting of LIMIT_RANGES, or the error; undefined/null give `absent`. */
export function checkSetting(where: string, name: RangedSetting, v: unknown, absent: number): number {
  return v === undefined || v === null ? absent : checkRange(`${where}: ${name}`, v, LIMIT_RANGES[name]);
}

export function checkAlgorithm(where: string, v: unknown): Algorithm {
  if (v === undefined) return DEFAULTS.algorithm;
  if (!ALGORITHMS.includes(v as Algorithm)) invalidArgument(where, v, ALGORITHMS.join(', '));
  return v as Algorithm;
}

export interface LimiterOptions {
  rpm?: number;
  tpm?: number;
  maxParallel?: number;
  windowMs?: number;
  algorithm?: Algorithm;
}

export function compileSpec(o: LimiterOptions, where = 'RateLimiter'): LimitSpec {
  if (o === null || typeof o !== 'object') invalidArgument(`${where}: options`, o, 'an object');
  const spec: LimitSpec = {
    rpm: checkSetting(where, 'rpm', o.rpm, 0),
    tpm: checkSetting(where, 'tpm', o.tpm, 0),
    maxParallel: checkSetting(where, 'maxParallel', o.maxParallel, 0),
    windowMs: checkSetting(where, 'windowMs', o.windowMs, DEFAULTS.windowMs),
    algorithm: checkAlgorithm(`${where}: algorithm`, o.algorithm),
  };
  if (spec.rpm === 0 && spec.tpm === 0 && spec.maxParallel === 0) {
    invalidArgument(`${where}: options`, o, 'an object setting at least one of rpm, tpm, maxParallel');
  }
  return spec;
}

export function sameSpec(a: LimitSpec, b: LimitSpec): boolean {
  return a.rpm === b.rpm && a.tpm === b.tpm && a.maxParallel === b.maxParallel &&
    a.windowMs === b.windowMs && a.algorithm === b.algorithm;
}
