import { checkLimit, DEFAULTS, sameSpec, type CheckResult, type LimitSpec } from './options';
import { deny, PARALLEL_RETRY_MS, slidingRetryAfter, type RateLimitStore } from './store';

/*
 * Compact in-process store.
 *
 * Keys are not kept: each key is hashed to a 63-bit fingerprint (two 32-bit hashes) that lives in an
 * open-addressing table (linear probing, backward-shift deletion, no tombstones) whose per-key state
 * sits in typed-array columns. Two distinct keys share state only if both hashes collide and they
 * probe into the same cluster (~1e-9 per new key at 1M keys). Per key, with rpm <= 65535 only: 8 B
 * fingerprint + 4 B window id + 2 x 2 B counts = 16 B per slot (+8 B with tpm), at most 0.8 load.
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

type Column = Uint32Array | Uint16Array | Float64Array;
/** Internal "allowed" answer of tryConsume: no result object is built on that path. */
const LITE_OK: CheckResult = Object.freeze({ allowed: true, remaining: 0, limit: 0, resetMs: 0, retryAfterMs: 0, limitType: 'requests', remainingRequests: 0, remainingTokens: 0 });
const EMPTY_U32 = new Uint32Array(0);
const EMPTY_U16 = new Uint16Array(0);
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
  #fpA = EMPTY_U32;
  #fpB = EMPTY_U32;
  #win = EMPTY_U32; // sliding: window id mod 2^32
  // sliding: requests in current / previous window; 16-bit cells when rpm fits (counts never exceed rpm)
  #rc: Uint16Array | Uint32Array = EMPTY_U32;
  #rp: Uint16Array | Uint32Array = EMPTY_U32;
  #tc = EMPTY_U32; // sliding: tokens in current / previous window
  #tp = EMPTY_U32;
  #rt = EMPTY_F64; // bucket: theoretical arrival time, requests / tokens
  #tt = EMPTY_F64;
  #par = EMPTY_U16;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxKeys = options.maxKeys === undefined ? DEFAULTS.maxKeys : checkLimit('MemoryStore: maxKeys', options.maxKeys, 0x4000_0000);
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
    this.#alloc(Math.min(MIN_CAP, this.#capMax));
  }

  #cols: Column[] = [];

  #columns(): Column[] {
    const s = this.#spec!;
    const cols: Column[] = [this.#fpA, this.#fpB];
    if (this.#sliding) {
      cols.push(this.#win);
      if (s.rpm) cols.push(this.#rc, this.#rp);
      if (s.tpm) cols.push(this.#tc, this.#tp);
    } else {
      if (s.rpm) cols.push(this.#rt);
      if (s.tpm) cols.push(this.#tt);
    }
    if (s.maxParallel) cols.push(this.#par);
    return cols;
  }

  #alloc(cap: number): void {
    const s = this.#spec!;
    this.#cap = cap;
    this.#fpA = new Uint32Array(cap);
    this.#fpB = new Uint32Array(cap);
    if (this.#sliding) {
      this.#win = new Uint32Array(cap);
      if (s.rpm) {
        const Cells = s.rpm <= 0xffff ? Uint16Array : Uint32Array;
        this.#rc = new Cells(cap);
        this.#rp = new Cells(cap);
      }
      if (s.tpm) { this.#tc = new Uint32Array(cap); this.#tp = new Uint32Array(cap); }
    } else {
      if (s.rpm) this.#rt = new Float64Array(cap);
      if (s.tpm) this.#tt = new Float64Array(cap);
    }
    if (s.maxParallel) this.#par = new Uint16Array(cap);
    this.#cursor = 0;
    this.#cols = this.#columns();
  }

  #home(a: number): number {
    return Math.floor((a * this.#cap) / TWO32);
  }

  /** Slot of the last hashed key, or -1. */
  #find(): number {
    const fpA = this.#fpA;
    const fpB = this.#fpB;
    const cap = this.#cap;
    let i = this.#home(hA);
    for (;;) {
      const b = fpB[i];
      if (b === 0) return -1;
      if (b === hB && fpA[i] === hA) return i;
      if (++i === cap) i = 0;
    }
  }

  #insert(now: number): number {
    this.#sweep(now, 2);
    if (this.#count + 1 > this.#cap * LOAD || this.#count >= this.maxKeys) this.#makeRoom(now);
    const fpB = this.#fpB;
    const cap = this.#cap;
    let i = this.#home(hA);
    while (fpB[i] !== 0) if (++i === cap) i = 0;
    this.#fpA[i] = hA;
    fpB[i] = hB;
    this.#count++;
    return i;
  }

  #idle(j: number, now: number): boolean {
    const s = this.#spec!;
    if (s.maxParallel && this.#par[j] !== 0) return false;
    if (this.#sliding) return ((Math.floor(now / s.windowMs) - this.#win[j]) >>> 0) >= 2;
    return (!s.rpm || this.#rt[j] <= now) && (!s.tpm || this.#tt[j] <= now);
  }

  /** Examines `steps` slots from the cursor, removing idle keys. */
  #sweep(now: number, steps: number): void {
    if (this.#count === 0) return;
    const fpB = this.#fpB;
    for (let n = 0; n < steps; n++) {
      const j = this.#cursor;
      if (fpB[j] !== 0 && this.#idle(j, now)) {
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
    const fpB = this.#fpB;
    const par = this.#spec!.maxParallel ? this.#par : undefined;
    for (let n = 0, j = this.#cursor; n < this.#cap; n++, j = j + 1 === this.#cap ? 0 : j + 1) {
      if (fpB[j] !== 0 && (!par || par[j] === 0)) {
        this.#remove(j);
        this.evictions++;
        this.#cursor = j;
        return;
      }
    }
    throw new Error('MemoryStore: maxKeys reached and every key holds a parallel slot');
  }

  #fullSweep(now: number): void {
    const fpB = this.#fpB;
    for (let j = 0; j < this.#cap; ) {
      if (fpB[j] !== 0 && this.#idle(j, now)) this.#remove(j);
      else j++;
    }
    this.#cursor = 0;
  }

  #grow(cap: number): void {
    const oldCols = this.#cols;
    const oldCap = this.#cap;
    const oldB = this.#fpB;
    const oldA = this.#fpA;
    this.#alloc(cap);
    const cols = this.#cols;
    for (let j = 0; j < oldCap; j++) {
      if (oldB[j] === 0) continue;
      let i = this.#home(oldA[j]);
      while (this.#fpB[i] !== 0) if (++i === cap) i = 0;
      for (let c = 0; c < cols.length; c++) cols[c][i] = oldCols[c][j];
    }
  }

  #remove(i: number): void {
    const cols = this.#cols;
    const fpB = this.#fpB;
    const cap = this.#cap;
    let j = i;
    for (;;) {
      if (++j === cap) j = 0;
      if (fpB[j] === 0) break;
      const k = this.#home(this.#fpA[j]);
      // Leave j alone if its home lies cyclically in (i, j].
      if (i <= j ? i < k && k <= j : i < k || k <= j) continue;
      for (let c = 0; c < cols.length; c++) cols[c][i] = cols[c][j];
      i = j;
    }
    for (let c = 0; c < cols.length; c++) cols[c][i] = 0;
    this.#count--;
  }

  /** Rolls the sliding windows of slot i to now; returns ms elapsed in the current window. */
  #roll(i: number, now: number, W: number): number {
    const q = Math.floor(now / W);
    const d = (q - this.#win[i]) >>> 0;
    if (d !== 0) {
      const s = this.#spec!;
      if (d === 1) {
        if (s.rpm) { this.#rp[i] = this.#rc[i]; this.#rc[i] = 0; }
        if (s.tpm) { this.#tp[i] = this.#tc[i]; this.#tc[i] = 0; }
      } else {
        if (s.rpm) { this.#rp[i] = 0; this.#rc[i] = 0; }
        if (s.tpm) { this.#tp[i] = 0; this.#tc[i] = 0; }
      }
      this.#win[i] = q;
    }
    return now - q * W;
  }

  #lite = false;

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
    return this.#sliding ? this.#consumeSliding(i, cost, acquire, now, spec) : this.#consumeBucket(i, cost, acquire, now, spec);
  }

  #consumeSliding(i: number, cost: number, acquire: boolean, now: number, s: LimitSpec): CheckResult {
    const W = s.windowMs;
    const rpm = s.rpm;
    const tpm = s.tpm;
    const q = Math.floor(now / W);
    if (((q - this.#win[i]) >>> 0) !== 0) this.#roll(i, now, W);
    const elapsed = now - q * W;
    const resetMs = W - elapsed;
    const weight = resetMs / W;
    const rc = this.#rc;
    let remR = Infinity;
    let remT = Infinity;
    let estR = 0;
    let estT = 0;
    if (rpm !== 0) {
      estR = rc[i] + this.#rp[i] * weight;
      remR = rpm - estR - 1;
    }
    if (tpm !== 0) {
      estT = this.#tc[i] + this.#tp[i] * weight;
      remT = tpm - estT - cost;
    }
    if (remR < -EPS || remT < -EPS) {
      const leftR = rpm ? Math.max(0, Math.floor(rpm - estR + EPS)) : Infinity;
      const leftT = tpm ? Math.max(0, Math.floor(tpm - estT + EPS)) : Infinity;
      return remR < -EPS
        ? deny('requests', rpm, leftR, resetMs, slidingRetryAfter(rpm, 1, rc[i], this.#rp[i], elapsed, W), leftR, leftT)
        : deny('tokens', tpm, leftT, resetMs, slidingRetryAfter(tpm, cost, this.#tc[i], this.#tp[i], elapsed, W), leftR, leftT);
    }
    if (acquire && s.maxParallel) {
      const p = this.#par[i];
      if (p >= s.maxParallel) {
        return deny('max_parallel_requests', s.maxParallel, 0, PARALLEL_RETRY_MS, PARALLEL_RETRY_MS,
          Math.max(0, Math.floor(remR + 1 + EPS)), Math.max(0, Math.floor(remT + cost + EPS)));
      }
      this.#par[i] = p + 1;
    }
    if (rpm !== 0) {
      rc[i]++;
      // Integral whenever no previous window weighs in (the common case): skip the rounding.
      remR = remR === (remR | 0) ? remR : Math.max(0, Math.floor(remR + EPS));
      if (tpm === 0 && s.maxParallel === 0) {
        if (this.#lite) return LITE_OK;
        return { allowed: true, remaining: remR, limit: rpm, resetMs, retryAfterMs: 0, limitType: 'requests', remainingRequests: remR, remainingTokens: Infinity };
      }
    }
    if (tpm !== 0) {
      const t = this.#tc[i] + cost;
      this.#tc[i] = t > 0xffffffff ? 0xffffffff : t;
    }
    if (this.#lite) return LITE_OK;
    return this.#allowed(s, remR, remT, resetMs, s.maxParallel ? s.maxParallel - this.#par[i] : 0);
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

  #consumeBucket(i: number, cost: number, acquire: boolean, now: number, s: LimitSpec): CheckResult {
    const W = s.windowMs;
    let remR = Infinity;
    let remT = Infinity;
    let ntR = 0;
    let ntT = 0;
    let resetMs = 0;
    if (s.rpm) {
      const T = W / s.rpm;
      const tat = Math.max(this.#rt[i], now);
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
      const tat = Math.max(this.#tt[i], now);
      ntT = tat + cost * T;
      remT = (W - (ntT - now)) / T;
      if (remT < -EPS) {
        const left = Math.max(0, Math.floor((W - (tat - now)) / T + EPS));
        const retry = cost > s.tpm ? Infinity : Math.max(1, Math.ceil(ntT - W - now));
        return deny('tokens', s.tpm, left, Math.ceil(tat - now), retry, Math.max(0, Math.floor(remR + 1 + EPS)), left);
      }
      if (!s.rpm) resetMs = ntT - now;
    }
    if (acquire && s.maxParallel) {
      const p = this.#par[i];
      if (p >= s.maxParallel) {
        return deny('max_parallel_requests', s.maxParallel, 0, PARALLEL_RETRY_MS, PARALLEL_RETRY_MS,
          Math.max(0, Math.floor(remR + 1 + EPS)), Math.max(0, Math.floor(remT + cost + EPS)));
      }
      this.#par[i] = p + 1;
    }
    if (s.rpm) this.#rt[i] = ntR;
    if (s.tpm) this.#tt[i] = ntT;
    if (this.#lite) return LITE_OK;
    return this.#allowed(s, remR, remT, Math.ceil(resetMs), s.maxParallel ? s.maxParallel - this.#par[i] : 0);
  }

  adjust(key: string, dRequests: number, dTokens: number, dParallel: number, now: number, s: LimitSpec): void {
    hashKey(key);
    let i = this.#find();
    if (i < 0) {
      // Nothing held for an unknown (or evicted) key; only extra usage needs a slot.
      if (!(dTokens > 0 || dRequests > 0)) return;
      i = this.#insert(now);
    }
    if (this.#sliding) {
      this.#roll(i, now, s.windowMs);
      if (s.rpm && dRequests) this.#rc[i] = Math.min(clampU32(this.#rc[i] + dRequests), this.#rc instanceof Uint16Array ? 0xffff : 0xffffffff);
      if (s.tpm && dTokens) this.#tc[i] = clampU32(this.#tc[i] + dTokens);
    } else {
      if (s.rpm && dRequests) this.#rt[i] = Math.max(now, Math.max(this.#rt[i], now) + (dRequests * s.windowMs) / s.rpm);
      if (s.tpm && dTokens) this.#tt[i] = Math.max(now, Math.max(this.#tt[i], now) + (dTokens * s.windowMs) / s.tpm);
    }
    if (s.maxParallel && dParallel) {
      const p = this.#par[i] + dParallel;
      this.#par[i] = p < 0 ? 0 : p > 0xffff ? 0xffff : p;
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
