import type { CheckResult, LimitSpec } from './options';
import { allowedResult, clampU32, EPS, LITE_OK, takeParallel, WINDOW_WORD, type SlotLayout } from './slot-layout';
import { deny, slidingRetryAfter } from './store';

/*
 * Sliding window, the two-bucket estimate (Cloudflare's, also used by LiteLLM-style proxies):
 *   estimate = previousWindowCount * (1 - elapsedInWindow / W) + currentWindowCount
 * O(1) per check, exact within a window (with no previous count), smooth across window edges.
 * State per key (see slot-layout.ts): the window id and the current and previous counts.
 */

/** Moves the counts of the slot at word o to window q (the current becomes the previous if adjacent). */
export function roll(a: Uint32Array, o: number, L: SlotLayout, q: number): void {
  const d = (q - a[o + WINDOW_WORD]) >>> 0;
  const r = L.requests;
  const t = L.tokens;
  if (r >= 0) {
    if (L.packed) a[o + r] = d === 1 ? (a[o + r] & 0xffff) * 0x10000 : 0;
    else { a[o + r + 1] = d === 1 ? a[o + r] : 0; a[o + r] = 0; }
  }
  if (t >= 0) { a[o + t + 1] = d === 1 ? a[o + t] : 0; a[o + t] = 0; }
  a[o + WINDOW_WORD] = q;
}

/** A window-aligned key has seen nothing for two windows: nothing it counted still weighs. */
export function slidingIdle(a: Uint32Array, o: number, now: number, s: LimitSpec): boolean {
  return ((Math.floor(now / s.windowMs) - a[o + WINDOW_WORD]) >>> 0) >= 2;
}

/** See RateLimitStore.consume; `lite` answers LITE_OK instead of building the allowed result. */
export function consumeSliding(a: Uint32Array, o: number, L: SlotLayout, cost: number, slot: boolean, now: number,
  s: LimitSpec, lite: boolean): CheckResult {
  const W = s.windowMs;
  const rpm = s.rpm;
  const tpm = s.tpm;
  const q = Math.floor(now / W);
  if (((q - a[o + WINDOW_WORD]) >>> 0) !== 0) roll(a, o, L, q);
  const elapsed = now - q * W;
  const resetMs = W - elapsed;
  const weight = resetMs / W;
  const oR = o + L.requests;
  const oT = o + L.tokens;
  let rc = 0;
  let rp = 0;
  let remR = Infinity;
  let remT = Infinity;
  let estR = 0;
  let estT = 0;
  if (rpm !== 0) {
    if (L.packed) {
      const w = a[oR];
      rc = w & 0xffff;
      rp = w >>> 16;
    } else {
      rc = a[oR];
      rp = a[oR + 1];
    }
    estR = rc + rp * weight;
    remR = rpm - estR - 1;
  }
  if (tpm !== 0) {
    estT = a[oT] + a[oT + 1] * weight;
    remT = tpm - estT - cost;
  }
  if (remR < -EPS || remT < -EPS) {
    const leftR = rpm ? Math.max(0, Math.floor(rpm - estR + EPS)) : Infinity;
    const leftT = tpm ? Math.max(0, Math.floor(tpm - estT + EPS)) : Infinity;
    return remR < -EPS
      ? deny('requests', rpm, leftR, resetMs, slidingRetryAfter(rpm, 1, rc, rp, elapsed, W), leftR, leftT)
      : deny('tokens', tpm, leftT, resetMs, slidingRetryAfter(tpm, cost, a[oT], a[oT + 1], elapsed, W), leftR, leftT);
  }
  if (slot && s.maxParallel) {
    const full = takeParallel(a, o, L, s, remR, remT, cost);
    if (full !== undefined) return full;
  }
  if (rpm !== 0) {
    a[oR]++; // rc < rpm: with packed counts it never carries into the previous window's half
    // Integral whenever no previous window weighs in (the common case): skip the rounding.
    remR = remR === (remR | 0) ? remR : Math.max(0, Math.floor(remR + EPS));
    if (tpm === 0 && s.maxParallel === 0) {
      if (lite) return LITE_OK;
      return { allowed: true, remaining: remR, limit: rpm, resetMs, retryAfterMs: 0, limitType: 'requests',
        remainingRequests: remR, remainingTokens: Infinity };
    }
  }
  if (tpm !== 0) {
    const t = a[oT] + cost;
    a[oT] = t > 0xffffffff ? 0xffffffff : t;
  }
  if (lite) return LITE_OK;
  return allowedResult(s, remR, remT, resetMs, s.maxParallel ? s.maxParallel - a[o + L.parallel] : 0);
}

/** Adds request and token deltas to the current window (never below zero). */
export function adjustSliding(a: Uint32Array, o: number, L: SlotLayout, dRequests: number, dTokens: number,
  now: number, s: LimitSpec): void {
  const q = Math.floor(now / s.windowMs);
  if (((q - a[o + WINDOW_WORD]) >>> 0) !== 0) roll(a, o, L, q);
  if (s.rpm && dRequests) {
    const oR = o + L.requests;
    if (L.packed) {
      const w = a[oR];
      const rc = Math.min(0xffff, Math.max(0, (w & 0xffff) + dRequests));
      a[oR] = (w >>> 16) * 0x10000 + rc;
    } else {
      a[oR] = clampU32(a[oR] + dRequests);
    }
  }
  if (s.tpm && dTokens) a[o + L.tokens] = clampU32(a[o + L.tokens] + dTokens);
}
