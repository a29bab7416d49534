import type { CheckResult, LimitSpec } from './options';
import { SlotAlgorithm, type SlotLayout } from './slot-layout';
import { deny } from './store';

/*
 * Token bucket as GCRA: one "theoretical arrival time" (TAT) per limit, capacity = limit per W,
 * refilled continuously; the same bucket as (level, lastRefill) with one double instead of two.
 * `f` is the key table's memory as doubles: the TAT at word w of the slot at word o is f[(o + w) >> 1].
 */

const EPS = 1e-7; // a local copy: the hot path reads no imported binding (see SlotAlgorithm)

export class TokenBucket extends SlotAlgorithm {
  /** Word (even) of the requests TAT, or -1. */
  readonly #requestTat: number;
  /** Word (even) of the tokens TAT, or -1. */
  readonly #tokenTat: number;

  constructor(layout: SlotLayout) {
    super(layout);
    this.#requestTat = layout.requestTat;
    this.#tokenTat = layout.tokenTat;
  }

  /** Both buckets full (every TAT in the past): the key holds nothing. */
  idle(a: Uint32Array, f: Float64Array, o: number, now: number): boolean {
    const d = o >> 1;
    return !this.busy(a, o) && (this.#requestTat < 0 || f[d + (this.#requestTat >> 1)] <= now) &&
      (this.#tokenTat < 0 || f[d + (this.#tokenTat >> 1)] <= now);
  }

  consume(a: Uint32Array, f: Float64Array, o: number, cost: number, slot: boolean, now: number, s: LimitSpec,
    lite: boolean): CheckResult {
    const fR = (o + this.#requestTat) >> 1;
    const fT = (o + this.#tokenTat) >> 1;
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
        const retry = Math.max(1, Math.ceil(ntR - W - now));
        return deny('requests', s.rpm, left, Math.ceil(tat - now), retry, left, Infinity);
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
      const full = this.takeParallel(a, o, s, remR, remT, cost);
      if (full !== undefined) return full;
    }
    if (s.rpm) f[fR] = ntR;
    if (s.tpm) f[fT] = ntT;
    if (lite) return this.liteOk;
    return this.allowed(a, o, s, remR, remT, Math.ceil(resetMs));
  }

  /** Moves the TATs by the deltas' share of the window (never into the past). */
  adjust(_a: Uint32Array, f: Float64Array, o: number, dRequests: number, dTokens: number, now: number,
    s: LimitSpec): void {
    if (s.rpm && dRequests) {
      const k = (o + this.#requestTat) >> 1;
      f[k] = Math.max(now, Math.max(f[k], now) + (dRequests * s.windowMs) / s.rpm);
    }
    if (s.tpm && dTokens) {
      const k = (o + this.#tokenTat) >> 1;
      f[k] = Math.max(now, Math.max(f[k], now) + (dTokens * s.windowMs) / s.tpm);
    }
  }
}
