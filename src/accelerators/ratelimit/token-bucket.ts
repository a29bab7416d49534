import type { CheckResult, LimitSpec } from './options';
import { allowedResult, EPS, LITE_OK, takeParallel, type SlotLayout } from './slot-layout';
import { deny } from './store';

/*
 * Token bucket as GCRA: one "theoretical arrival time" (TAT) per limit, capacity = limit per W,
 * refilled continuously; the same bucket as (level, lastRefill) with one double instead of two.
 * `f` is the key table's memory as doubles; a TAT word w of the slot at word o is f[(o + w) >> 1].
 */

/** Both buckets full (every TAT in the past): the key holds nothing. */
export function bucketIdle(f: Float64Array, o: number, L: SlotLayout, now: number): boolean {
  const d = o >> 1;
  return (L.requestTat < 0 || f[d + (L.requestTat >> 1)] <= now) && (L.tokenTat < 0 || f[d + (L.tokenTat >> 1)] <= now);
}

/** See RateLimitStore.consume; `a` is the same memory as words (for the parallel cell). */
export function consumeBucket(a: Uint32Array, f: Float64Array, o: number, L: SlotLayout, cost: number, slot: boolean,
  now: number, s: LimitSpec, lite: boolean): CheckResult {
  const fR = (o + L.requestTat) >> 1;
  const fT = (o + L.tokenTat) >> 1;
  const W = s.windowMs;
  let remR = Infinity;
  let remT = Infinity;
  let ntR = 0;
  let ntT = 0;
  let resetMs = 0;
  if (s.rpm) {
    const T = W / s.rpm;
    const tat = Math.max(f[fR], now);
    ntR = tat + T;
    remR = (W - (ntR - now)) / T;
    if (remR < -EPS) {
      const left = Math.max(0, Math.floor((W - (tat - now)) / T + EPS));
      return deny('requests', s.rpm, left, Math.ceil(tat - now), Math.max(1, Math.ceil(ntR - W - now)), left, Infinity);
    }
    resetMs = ntR - now;
  }
  if (s.tpm) {
    const T = W / s.tpm;
    const tat = Math.max(f[fT], now);
    ntT = tat + cost * T;
    remT = (W - (ntT - now)) / T;
    if (remT < -EPS) {
      const left = Math.max(0, Math.floor((W - (tat - now)) / T + EPS));
      const retry = cost > s.tpm ? Infinity : Math.max(1, Math.ceil(ntT - W - now));
      return deny('tokens', s.tpm, left, Math.ceil(tat - now), retry, Math.max(0, Math.floor(remR + 1 + EPS)), left);
    }
    if (!s.rpm) resetMs = ntT - now;
  }
  if (slot && s.maxParallel) {
    const full = takeParallel(a, o, L, s, remR, remT, cost);
    if (full !== undefined) return full;
  }
  if (s.rpm) f[fR] = ntR;
  if (s.tpm) f[fT] = ntT;
  if (lite) return LITE_OK;
  return allowedResult(s, remR, remT, Math.ceil(resetMs), s.maxParallel ? s.maxParallel - a[o + L.parallel] : 0);
}

/** Moves the TATs by the deltas' share of the window (never into the past). */
export function adjustBucket(f: Float64Array, o: number, L: SlotLayout, dRequests: number, dTokens: number,
  now: number, s: LimitSpec): void {
  if (s.rpm && dRequests) {
    const k = (o + L.requestTat) >> 1;
    f[k] = Math.max(now, Math.max(f[k], now) + (dRequests * s.windowMs) / s.rpm);
  }
  if (s.tpm && dTokens) {
    const k = (o + L.tokenTat) >> 1;
    f[k] = Math.max(now, Math.max(f[k], now) + (dTokens * s.windowMs) / s.tpm);
  }
}
