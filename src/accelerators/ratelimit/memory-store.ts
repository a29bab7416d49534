import { checkRange, DEFAULTS, sameSpec, type CheckResult, type LimitSpec } from './options';
import { deny, PARALLEL_RETRY_MS, slidingRetryAfter, type RateLimitStore } from './store';

/*
 * Compact in-process store.
 *
 * Keys are not kept: each key is hashed to a 63-bit fingerprint (two 32-bit hashes) that lives in an
 * open-addressing table (linear probing, backward-shift deletion, no tombstones). A slot is one row
 * of 32-bit words in a single typed array (fingerprint, then the state), so a check touches one cache
 * line, not one per field. Two distinct keys share state only if both hashes collide and they probe
 * into the same cluster (~1e-9 per new key at 1M keys). Per key, sliding window with rpm <= 65535
 * only: 8 B fingerprint + 4 B window id + 4 B for both counts = 16 B per slot (+8 B with tpm, +4 B
 * with maxParallel), at most 0.8 load.
 *
 * sliding-window is the two-bucket estimate (Cloudflare's, also used by LiteLLM-style proxies):
 *   estimate = previousWindowCount * (1 - elapsedInWindow / W) + currentWindowCount
 * O(1) per check, exact within a window (with no previous count), smooth across window edges.
 * token-bucket is GCRA: one "theoretical arrival time" per limit, capacity = limit per W, refilled
 * continuously; the same bucket with one float instead of (level, lastRefill).
 *
 * Idle keys (both windows passed, bucket full, no parallel slot held) are removed by a lazy sweep that
 * examines a couple of slots per inserted key and does a full pass before the table grows: no timer per
 * key, no timer at all. At maxKeys the slot under the sweep cursor is evicted (counted in `evictions`).
 */

const LOAD = 0.8;
const MIN_CAP = 1024;
const TWO32 = 4294967296;
const EPS = 1e-7;
const MAX_KEYS_RANGE = { min: 1, max: 0x4000_0000, integer: true } as const;

let hA = 0;
let hB = 0;

/** Two 32-bit hashes in one pass (FNV-1a and a rotate-multiply lane), each finalised by fmix32. */
function hashKey(s: string): void {
  let a = 0x811c9dc5 | 0;
  let b = 0x27d4eb2f | 0;
  for (let i = 0, n = s.length; i < n; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b = (b << 13) | (b >>> 19);
  }
  a ^= a >>> 16; a = Math.imul(a, 0x85ebca6b); a ^= a >>> 13; a = Math.imul(a, 0xc2b2ae35); a ^= a >>> 16;
  b ^= b >>> 15; b = Math.imul(b, 0x2c1b3c6d); b ^= b >>> 12; b = Math.imul(b, 0x297a2d39); b ^= b >>> 15;
  hA = a >>> 0;
  hB = (b | 1) >>> 0; // never 0: 0 marks an empty slot
}

/** Internal "allowed" answer of tryConsume: no result object is built on that path. */
const LITE_OK: CheckResult = Object.freeze({ allowed: true, remaining: 0, limit: 0, resetMs: 0, retryAfterMs: 0, limitType: 'requests', remainingRequests: 0, remainingTokens: 0 });
const EMPTY_U32 = new Uint32Array(0);
const EMPTY_F64 = new Float64Array(0);

export interface MemoryStoreOptions {
  /** Upper bound on tracked keys (default 1,000,000); memory never grows past it. */
  maxKeys?: number;
}

export class MemoryStore implements RateLimitStore {
  readonly async = false;
  /** Keys dropped while still holding counts because maxKeys was reached. */
  evictions = 0;
  readonly maxKeys: number;
  #spec: LimitSpec | undefined;
  #sliding = true;
  #cap = 0;
  #capMax: number;
  #count = 0;
  #cursor = 0;
  #lite = false;
  // Slot layout, in 32-bit words from the slot's start; -1 when the field is not needed.
  // Words 0-1: fingerprint (word 1 is never 0 in a used slot). Sliding window: 2 window id,
  // oR requests of the current window (| previous << 16 when #packed, else previous at oR + 1),
  // oT tokens current, oT + 1 previous. Token bucket: doubles (TAT) at even words fR, fT.
  #S = 2;
  #oR = -1;
  #packed = false;
  #oT = -1;
  #oP = -1;
  #fR = -1;
  #fT = -1;
  #a = EMPTY_U32;
  #f = EMPTY_F64;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxKeys = options.maxKeys === undefined ? DEFAULTS.maxKeys : checkRange('MemoryStore: maxKeys', options.maxKeys, MAX_KEYS_RANGE);
    this.#capMax = Math.ceil(this.maxKeys / LOAD);
  }

  get size(): number {
    return this.#count;
  }

  bind(spec: LimitSpec): void {
    if (this.#spec) {
      if (!sameSpec(this.#spec, spec)) {
        throw new Error('MemoryStore: already used by a RateLimiter with other limits; give each limiter its own store');
      }
      return;
    }
    this.#spec = spec;
    this.#sliding = spec.algorithm === 'sliding-window';
    let w = 2;
    if (this.#sliding) {
      w = 3; // window id at word 2
      if (spec.rpm) {
        this.#oR = w;
        this.#packed = spec.rpm <= 0xffff; // counts never exceed rpm: both fit one word
        w += this.#packed ? 1 : 2;
      }
      if (spec.tpm) { this.#oT = w; w += 2; }
      if (spec.maxParallel) this.#oP = w++;
    } else {
      if (spec.rpm) { this.#fR = w; w += 2; }
      if (spec.tpm) { this.#fT = w; w += 2; }
      if (spec.maxParallel) this.#oP = w++;
      w += w & 1; // doubles stay 8-byte aligned in every slot
    }
    this.#S = w;
    this.#alloc(Math.min(MIN_CAP, this.#capMax));
  }

  #alloc(cap: number): void {
    this.#cap = cap;
    const buf = new ArrayBuffer(cap * this.#S * 4);
    this.#a = new Uint32Array(buf);
    this.#f = this.#sliding ? EMPTY_F64 : new Float64Array(buf);
    this.#cursor = 0;
  }

  #home(a: number): number {
    return Math.floor((a * this.#cap) / TWO32);
  }

  /** Slot of the last hashed key, or -1. */
  #find(): number {
    const a = this.#a;
    const S = this.#S;
    const cap = this.#cap;
    let i = this.#home(hA);
    for (;;) {
      const o = i * S;
      const b = a[o + 1];
      if (b === 0) return -1;
      if (b === hB && a[o] === hA) return i;
      if (++i === cap) i = 0;
    }
  }

  #insert(now: number): number {
    this.#sweep(now, 2);
    if (this.#count + 1 > this.#cap * LOAD || this.#count >= this.maxKeys) this.#makeRoom(now);
    const a = this.#a;
    const S = this.#S;
    const cap = this.#cap;
    let i = this.#home(hA);
    while (a[i * S + 1] !== 0) if (++i === cap) i = 0;
    a[i * S] = hA;
    a[i * S + 1] = hB;
    this.#count++;
    return i;
  }

  #idle(j: number, now: number): boolean {
    const s = this.#spec!;
    const o = j * this.#S;
    if (this.#oP >= 0 && this.#a[o + this.#oP] !== 0) return false;
    if (this.#sliding) return ((Math.floor(now / s.windowMs) - this.#a[o + 2]) >>> 0) >= 2;
    const f = o >> 1;
    return (this.#fR < 0 || this.#f[f + (this.#fR >> 1)] <= now) && (this.#fT < 0 || this.#f[f + (this.#fT >> 1)] <= now);
  }

  /** Examines `steps` slots from the cursor, removing idle keys. */
  #sweep(now: number, steps: number): void {
    if (this.#count === 0) return;
    for (let n = 0; n < steps; n++) {
      const j = this.#cursor;
      if (this.#a[j * this.#S + 1] !== 0 && this.#idle(j, now)) {
        this.#remove(j); // a shifted neighbour may now sit at j: look at it next time
      } else if (++this.#cursor === this.#cap) {
        this.#cursor = 0;
      }
    }
  }

  #makeRoom(now: number): void {
    if (this.#count < this.maxKeys) {
      // Over the load factor: a full pass (O(cap), only before a growth) may free enough.
      this.#fullSweep(now);
      if (this.#count + 1 <= this.#cap * LOAD) return;
      this.#grow(Math.min(this.#cap * 2, this.#capMax));
      return;
    }
    this.#sweep(now, 64);
    if (this.#count < this.maxKeys) return;
    // Full of active keys: evict the first key from the cursor not holding a parallel slot.
    const a = this.#a;
    const S = this.#S;
    const oP = this.#oP;
    for (let n = 0, j = this.#cursor; n < this.#cap; n++, j = j + 1 === this.#cap ? 0 : j + 1) {
      if (a[j * S + 1] !== 0 && (oP < 0 || a[j * S + oP] === 0)) {
        this.#remove(j);
        this.evictions++;
        this.#cursor = j;
        return;
      }
    }
    throw new Error('MemoryStore: maxKeys reached and every key holds a parallel slot');
  }

  #fullSweep(now: number): void {
    for (let j = 0; j < this.#cap; ) {
      if (this.#a[j * this.#S + 1] !== 0 && this.#idle(j, now)) this.#remove(j);
      else j++;
    }
    this.#cursor = 0;
  }

  #grow(cap: number): void {
    const old = this.#a;
    const oldCap = this.#cap;
    const S = this.#S;
    this.#alloc(cap);
    const a = this.#a;
    for (let j = 0; j < oldCap; j++) {
      const oj = j * S;
      if (old[oj + 1] === 0) continue;
      let i = this.#home(old[oj]);
      while (a[i * S + 1] !== 0) if (++i === cap) i = 0;
      a.set(old.subarray(oj, oj + S), i * S);
    }
  }

  #remove(i: number): void {
    const a = this.#a;
    const S = this.#S;
    const cap = this.#cap;
    let j = i;
    for (;;) {
      if (++j === cap) j = 0;
      if (a[j * S + 1] === 0) break;
      const k = this.#home(a[j * S]);
      // Leave j alone if its home lies cyclically in (i, j].
      if (i <= j ? i < k && k <= j : i < k || k <= j) continue;
      a.copyWithin(i * S, j * S, j * S + S);
      i = j;
    }
    a.fill(0, i * S, i * S + S);
    this.#count--;
  }

  /** Moves the sliding windows of the slot at word o to window q. */
  #roll(o: number, q: number): void {
    const a = this.#a;
    const d = (q - a[o + 2]) >>> 0;
    const oR = this.#oR;
    const oT = this.#oT;
    if (oR >= 0) {
      if (this.#packed) a[o + oR] = d === 1 ? (a[o + oR] & 0xffff) * 0x10000 : 0;
      else { a[o + oR + 1] = d === 1 ? a[o + oR] : 0; a[o + oR] = 0; }
    }
    if (oT >= 0) { a[o + oT + 1] = d === 1 ? a[o + oT] : 0; a[o + oT] = 0; }
    a[o + 2] = q;
  }

  /** consume() answering only allowed or not, building no result object when allowed. */
  tryConsume(key: string, cost: number, now: number, spec: LimitSpec): boolean {
    this.#lite = true;
    try {
      return this.consume(key, cost, false, now, spec).allowed;
    } finally {
      this.#lite = false;
    }
  }

  consume(key: string, cost: number, acquire: boolean, now: number, spec: LimitSpec): CheckResult {
    hashKey(key);
    let i = this.#find();
    if (i < 0) i = this.#insert(now);
    return this.#sliding ? this.#consumeSliding(i * this.#S, cost, acquire, now, spec) : this.#consumeBucket(i * this.#S, cost, acquire, now, spec);
  }

  #consumeSliding(o: number, cost: number, acquire: boolean, now: number, s: LimitSpec): CheckResult {
    const a = this.#a;
    const W = s.windowMs;
    const rpm = s.rpm;
    const tpm = s.tpm;
    const q = Math.floor(now / W);
    if (((q - a[o + 2]) >>> 0) !== 0) this.#roll(o, q);
    const elapsed = now - q * W;
    const resetMs = W - elapsed;
    const weight = resetMs / W;
    const oR = o + this.#oR;
    const oT = o + this.#oT;
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
    if (acquire && s.maxParallel) {
      const full = this.#takeParallel(o, s, remR, remT, cost);
      if (full !== undefined) return full;
    }
    if (rpm !== 0) {
      a[oR]++; // rc < rpm: with packed counts it never carries into the previous window's half
      // Integral whenever no previous window weighs in (the common case): skip the rounding.
      remR = remR === (remR | 0) ? remR : Math.max(0, Math.floor(remR + EPS));
      if (tpm === 0 && s.maxParallel === 0) {
        if (this.#lite) return LITE_OK;
        return { allowed: true, remaining: remR, limit: rpm, resetMs, retryAfterMs: 0, limitType: 'requests', remainingRequests: remR, remainingTokens: Infinity };
      }
    }
    if (tpm !== 0) {
      const t = a[oT] + cost;
      a[oT] = t > 0xffffffff ? 0xffffffff : t;
    }
    if (this.#lite) return LITE_OK;
    return this.#allowed(s, remR, remT, resetMs, s.maxParallel ? s.maxParallel - a[o + this.#oP] : 0);
  }

  /** Takes a parallel slot of the key at word o, or answers why not (remR/remT: left after this call). */
  #takeParallel(o: number, s: LimitSpec, remR: number, remT: number, cost: number): CheckResult | undefined {
    const a = this.#a;
    const p = a[o + this.#oP];
    if (p >= s.maxParallel) {
      return deny('max_parallel_requests', s.maxParallel, 0, PARALLEL_RETRY_MS, PARALLEL_RETRY_MS,
        Math.max(0, Math.floor(remR + 1 + EPS)), Math.max(0, Math.floor(remT + cost + EPS)));
    }
    a[o + this.#oP] = p + 1;
    return undefined;
  }

  #allowed(s: LimitSpec, remR: number, remT: number, resetMs: number, remP: number): CheckResult {
    remR = remR === Infinity ? remR : Math.max(0, Math.floor(remR + EPS));
    remT = remT === Infinity ? remT : Math.max(0, Math.floor(remT + EPS));
    if (s.rpm) {
      return { allowed: true, remaining: remR, limit: s.rpm, resetMs, retryAfterMs: 0, limitType: 'requests', remainingRequests: remR, remainingTokens: remT };
    }
    if (s.tpm) {
      return { allowed: true, remaining: remT, limit: s.tpm, resetMs, retryAfterMs: 0, limitType: 'tokens', remainingRequests: remR, remainingTokens: remT };
    }
    return { allowed: true, remaining: remP, limit: s.maxParallel, resetMs: 0, retryAfterMs: 0, limitType: 'max_parallel_requests', remainingRequests: remR, remainingTokens: remT };
  }

  #consumeBucket(o: number, cost: number, acquire: boolean, now: number, s: LimitSpec): CheckResult {
    const f = this.#f;
    const fR = (o + this.#fR) >> 1;
    const fT = (o + this.#fT) >> 1;
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
    const a = this.#a;
    if (acquire && s.maxParallel) {
      const full = this.#takeParallel(o, s, remR, remT, cost);
      if (full !== undefined) return full;
    }
    if (s.rpm) f[fR] = ntR;
    if (s.tpm) f[fT] = ntT;
    if (this.#lite) return LITE_OK;
    return this.#allowed(s, remR, remT, Math.ceil(resetMs), s.maxParallel ? s.maxParallel - a[o + this.#oP] : 0);
  }

  adjust(key: string, dRequests: number, dTokens: number, dParallel: number, now: number, s: LimitSpec): void {
    hashKey(key);
    let i = this.#find();
    if (i < 0) {
      // Nothing held for an unknown (or evicted) key; only extra usage needs a slot.
      if (!(dTokens > 0 || dRequests > 0)) return;
      i = this.#insert(now);
    }
    const a = this.#a;
    const o = i * this.#S;
    if (this.#sliding) {
      const q = Math.floor(now / s.windowMs);
      if (((q - a[o + 2]) >>> 0) !== 0) this.#roll(o, q);
      if (s.rpm && dRequests) {
        const oR = o + this.#oR;
        if (this.#packed) {
          const w = a[oR];
          const rc = Math.min(0xffff, Math.max(0, (w & 0xffff) + dRequests));
          a[oR] = (w >>> 16) * 0x10000 + rc;
        } else {
          a[oR] = clampU32(a[oR] + dRequests);
        }
      }
      if (s.tpm && dTokens) a[o + this.#oT] = clampU32(a[o + this.#oT] + dTokens);
    } else {
      const f = this.#f;
      if (s.rpm && dRequests) {
        const k = (o + this.#fR) >> 1;
        f[k] = Math.max(now, Math.max(f[k], now) + (dRequests * s.windowMs) / s.rpm);
      }
      if (s.tpm && dTokens) {
        const k = (o + this.#fT) >> 1;
        f[k] = Math.max(now, Math.max(f[k], now) + (dTokens * s.windowMs) / s.tpm);
      }
    }
    if (s.maxParallel && dParallel) {
      const p = a[o + this.#oP] + dParallel;
      a[o + this.#oP] = p < 0 ? 0 : p > 0xffff ? 0xffff : p;
    }
  }

  /** Drops all state (tests, config reload). */
  clear(): void {
    if (this.#spec) this.#alloc(Math.min(MIN_CAP, this.#capMax));
    this.#count = 0;
  }
}

function clampU32(v: number): number {
  return v < 0 ? 0 : v > 0xffffffff ? 0xffffffff : v;
}
