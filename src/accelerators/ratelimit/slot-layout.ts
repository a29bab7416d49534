import type { CheckResult, LimitSpec } from './options';
import { deny, PARALLEL_RETRY_MS } from './store';

/*
 * Where a key's state sits in its slot of the key table, in 32-bit words from the slot's start
 * (words 0-1 are the key's hash). Only the limits a spec sets get words, so an rpm-only sliding window
 * costs 16 B per key:
 *   sliding window  word 2 window id; requests: current | previous << 16 in one word when rpm fits
 *                   16 bits, else current and previous in two; tokens: current, previous; parallel
 *   token bucket    doubles (8-byte aligned) holding the theoretical arrival time (TAT) of requests
 *                   and of tokens; then parallel
 */
export interface SlotLayout {
  readonly stride: number;
  readonly sliding: boolean;
  /** Word of the requests count(s), or -1. */
  readonly requests: number;
  /** Both request counts share one word (16 bits each). */
  readonly packed: boolean;
  /** Word of the current token count (previous at +1), or -1. */
  readonly tokens: number;
  /** Word of the held parallel slots, or -1. */
  readonly parallel: number;
  /** Word (even) of the requests TAT double, or -1. */
  readonly requestTat: number;
  /** Word (even) of the tokens TAT double, or -1. */
  readonly tokenTat: number;
}

/** Word of the window id in a sliding-window slot. */
export const WINDOW_WORD = 2;
/** Slack for float estimates: a count that is integral up to rounding is that integer. */
export const EPS = 1e-7;

export function layoutFor(spec: LimitSpec): SlotLayout {
  let w = 2;
  let requests = -1;
  let packed = false;
  let tokens = -1;
  let requestTat = -1;
  let tokenTat = -1;
  const sliding = spec.algorithm === 'sliding-window';
  if (sliding) {
    w = WINDOW_WORD + 1;
    if (spec.rpm) {
      requests = w;
      packed = spec.rpm <= 0xffff; // counts never exceed rpm: both fit one word
      w += packed ? 1 : 2;
    }
    if (spec.tpm) { tokens = w; w += 2; }
  } else {
    if (spec.rpm) { requestTat = w; w += 2; }
    if (spec.tpm) { tokenTat = w; w += 2; }
  }
  const parallel = spec.maxParallel ? w++ : -1;
  if (!sliding) w += w & 1; // doubles stay 8-byte aligned in every slot
  return { stride: w, sliding, requests, packed, tokens, parallel, requestTat, tokenTat };
}

/** Internal "allowed" answer of tryConsume: no result object is built on that path. */
export const LITE_OK: CheckResult = Object.freeze({
  allowed: true, remaining: 0, limit: 0, resetMs: 0, retryAfterMs: 0, limitType: 'requests',
  remainingRequests: 0, remainingTokens: 0,
});

/**
 * What both algorithms do with a slot: its parallel cell and the allowed result. Methods (not imported
 * functions) on purpose: hot code then reads no module binding, which some CommonJS transpilers
 * (esbuild, under tsx) turn into a getter call per read.
 */
export abstract class SlotAlgorithm {
  readonly layout: SlotLayout;
  /** Word of the parallel cell, or -1. */
  protected readonly parallel: number;
  protected readonly liteOk = LITE_OK;

  constructor(layout: SlotLayout) {
    this.layout = layout;
    this.parallel = layout.parallel;
  }

  /** See RateLimitStore.consume; `lite` answers LITE_OK instead of building the allowed result. */
  abstract consume(a: Uint32Array, f: Float64Array, o: number, cost: number, slot: boolean, now: number,
    s: LimitSpec, lite: boolean): CheckResult;
  /** Adds request and token deltas (never below zero). */
  abstract adjust(a: Uint32Array, f: Float64Array, o: number, dRequests: number, dTokens: number, now: number,
    s: LimitSpec): void;
  /** True when the slot at word o holds nothing that still counts at `now` (and no parallel slot). */
  abstract idle(a: Uint32Array, f: Float64Array, o: number, now: number, s: LimitSpec): boolean;

  protected busy(a: Uint32Array, o: number): boolean {
    return this.parallel >= 0 && a[o + this.parallel] !== 0;
  }

  /**
   * Takes a parallel slot of the key at word o, or answers why not. remR/remT: what is left after this
   * call of requests and tokens, for the denial's remainders.
   */
  protected takeParallel(a: Uint32Array, o: number, s: LimitSpec, remR: number, remT: number,
    cost: number): CheckResult | undefined {
    const p = a[o + this.parallel];
    if (p >= s.maxParallel) {
      return deny('max_parallel_requests', s.maxParallel, 0, PARALLEL_RETRY_MS, PARALLEL_RETRY_MS,
        Math.max(0, Math.floor(remR + 1 + 1e-7)), Math.max(0, Math.floor(remT + cost + 1e-7)));
    }
    a[o + this.parallel] = p + 1;
    return undefined;
  }

  /** Gives back one parallel slot of the key at word o (never below zero). */
  releaseParallel(a: Uint32Array, o: number): void {
    const p = a[o + this.parallel];
    if (p > 0) a[o + this.parallel] = p - 1;
  }

  /** The allowed result: `remaining` of rpm if set, else of tpm, else of parallel slots. */
  protected allowed(a: Uint32Array, o: number, s: LimitSpec, remR: number, remT: number,
    resetMs: number): CheckResult {
    remR = remR === Infinity ? remR : Math.max(0, Math.floor(remR + 1e-7));
    remT = remT === Infinity ? remT : Math.max(0, Math.floor(remT + 1e-7));
    if (s.rpm) {
      return { allowed: true, remaining: remR, limit: s.rpm, resetMs, retryAfterMs: 0, limitType: 'requests',
        remainingRequests: remR, remainingTokens: remT };
    }
    if (s.tpm) {
      return { allowed: true, remaining: remT, limit: s.tpm, resetMs, retryAfterMs: 0, limitType: 'tokens',
        remainingRequests: remR, remainingTokens: remT };
    }
    const remP = s.maxParallel - a[o + this.parallel];
    return { allowed: true, remaining: remP, limit: s.maxParallel, resetMs: 0, retryAfterMs: 0,
      limitType: 'max_parallel_requests', remainingRequests: remR, remainingTokens: remT };
  }
}

export function clampU32(v: number): number {
  return v < 0 ? 0 : v > 0xffffffff ? 0xffffffff : v;
}
