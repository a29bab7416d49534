import type { CheckResult, LimitSpec } from './options';
import { SlotAlgorithm, WINDOW_WORD, type SlotLayout } from './slot-layout';
import { deny, slidingRetryAfter } from './store';

/*
 * Sliding window, the two-bucket estimate (Cloudflare's, also used by LiteLLM-style proxies):
 *   estimate = previousWindowCount * (1 - elapsedInWindow / W) + currentWindowCount
 * O(1) per check, exact within a window (with no previous count), smooth across window edges.
 * State per key (see slot-layout.ts): the window id and the current and previous counts.
 */

// Local copies: the hot path reads no imported binding (see SlotAlgorithm).
const EPS = 1e-7;
const WIN = WINDOW_WORD;
const MAX_U32 = 0xffffffff;

export class SlidingWindow extends SlotAlgorithm {
  /** Word of the requests count(s), or -1. */
  readonly #requests: number;
  /** Current and previous request counts share one word (16 bits each). */
  readonly #packed: boolean;
  /** Word of the current token count (previous at +1), or -1. */
  readonly #tokens: number;

  constructor(layout: SlotLayout) {
    super(layout);
    this.#requests = layout.requests;
    this.#packed = layout.packed;
    this.#tokens = layout.tokens;
  }

  /** Moves the counts of the slot at word o to window q (the current becomes the previous if adjacent). */
  #roll(a: Uint32Array, o: number, q: number): void {
    const d = (q - a[o + WIN]) >>> 0;
    const r = this.#requests;
    const t = this.#tokens;
    if (r >= 0) {
      if (this.#packed) a[o + r] = d === 1 ? (a[o + r] & 0xffff) * 0x10000 : 0;
      else { a[o + r + 1] = d === 1 ? a[o + r] : 0; a[o + r] = 0; }
    }
    if (t >= 0) { a[o + t + 1] = d === 1 ? a[o + t] : 0; a[o + t] = 0; }
    a[o + WIN] = q;
  }

  /** Nothing counted two windows ago still weighs. */
  idle(a: Uint32Array, _f: Float64Array, o: number, now: number, s: LimitSpec): boolean {
    return !this.busy(a, o) && ((Math.floor(now / s.windowMs) - a[o + WIN]) >>> 0) >= 2;
  }

  consume(a: Uint32Array, _f: Float64Array, o: number, cost: number, slot: boolean, now: number, s: LimitSpec,
    lite: boolean): CheckResult {
    const W = s.windowMs;
    const rpm = s.rpm;
    const tpm = s.tpm;
    const q = Math.floor(now / W);
    if (((q - a[o + WIN]) >>> 0) !== 0) this.#roll(a, o, q);
    const elapsed = now - q * W;
    const resetMs = W - elapsed;
    const weight = resetMs / W;
    const oR = o + this.#requests;
    const oT = o + this.#tokens;
    let rc = 0;
    let rp = 0;
    let remR = Infinity;
    let remT = Infinity;
    let estR = 0;
    let estT = 0;
    if (rpm !== 0) {
      if (this.#packed) {
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
      const full = this.takeParallel(a, o, s, remR, remT, cost);
      if (full !== undefined) return full;
    }
    if (rpm !== 0) {
      a[oR]++; // rc < rpm: with packed counts it never carries into the previous window's half
      // Integral whenever no previous window weighs in (the common case): skip the rounding.
      remR = remR === (remR | 0) ? remR : Math.max(0, Math.floor(remR + EPS));
      if (tpm === 0 && s.maxParallel === 0) {
        if (lite) return this.liteOk;
        return { allowed: true, remaining: remR, limit: rpm, resetMs, retryAfterMs: 0, limitType: 'requests',
          remainingRequests: remR, remainingTokens: Infinity };
      }
    }
    if (tpm !== 0) {
      const t = a[oT] + cost;
      a[oT] = t > MAX_U32 ? MAX_U32 : t;
    }
    if (lite) return this.liteOk;
    return this.allowed(a, o, s, remR, remT, resetMs);
  }

  adjust(a: Uint32Array, _f: Float64Array, o: number, dRequests: number, dTokens: number, now: number,
    s: LimitSpec): void {
    const q = Math.floor(now / s.windowMs);
    if (((q - a[o + WIN]) >>> 0) !== 0) this.#roll(a, o, q);
    if (s.rpm && dRequests) {
      const oR = o + this.#requests;
      if (this.#packed) {
        const w = a[oR];
        const rc = Math.min(0xffff, Math.max(0, (w & 0xffff) + dRequests));
        a[oR] = (w >>> 16) * 0x10000 + rc;
      } else {
        a[oR] = Math.min(MAX_U32, Math.max(0, a[oR] + dRequests));
      }
    }
    if (s.tpm && dTokens) a[o + this.#tokens] = Math.min(MAX_U32, Math.max(0, a[o + this.#tokens] + dTokens));
  }
}
