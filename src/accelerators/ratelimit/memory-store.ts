import { CapacityError, InvalidArgumentError } from '../../errors';
import { checkRange, DEFAULTS, sameSpec, type CheckResult, type LimitSpec } from './options';
import { KeyTable } from './key-table';
import { layoutFor, type SlotAlgorithm } from './slot-layout';
import { SlidingWindow } from './sliding-window';
import type { RateLimitStore } from './store';
import { Sweeper } from './sweep';
import { TokenBucket } from './token-bucket';

/*
 * Compact in-process store: the key table (key-table.ts, keyed hash, bounded probes) holds one slot of
 * counters per key (slot-layout.ts); the two algorithms (sliding-window.ts, token-bucket.ts) read and
 * write that slot; idle keys go by a lazy sweep (sweep.ts). Per key, sliding window with rpm <= 65535
 * only: 8 B hash + 4 B window id + 4 B for both counts = 16 B per slot (+8 B with tpm, +4 B with
 * maxParallel), at most 0.8 load.
 */

const LOAD = 0.8;
const MIN_CAPACITY = 1024;
const MAX_KEYS_RANGE = { min: 1, max: 0x4000_0000, integer: true } as const;

export interface MemoryStoreOptions {
  /** Upper bound on tracked keys (default 1,000,000); memory never grows past it. */
  maxKeys?: number;
}

export class MemoryStore implements RateLimitStore {
  readonly async = false;
  readonly maxKeys: number;
  readonly #maxCapacity: number;
  #spec: LimitSpec | undefined;
  /** The algorithm of the bound spec, over the slots of the key table. */
  #algorithm: SlotAlgorithm | undefined;
  /** Words per slot. */
  #stride = 0;
  #table: KeyTable | undefined;
  #sweeper: Sweeper | undefined;
  /** tryConsume in progress: answer LITE_OK instead of building the allowed result. */
  #lite = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxKeys = options.maxKeys === undefined
      ? DEFAULTS.maxKeys
      : checkRange('MemoryStore: maxKeys', options.maxKeys, MAX_KEYS_RANGE);
    this.#maxCapacity = Math.ceil(this.maxKeys / LOAD);
  }

  get size(): number {
    return this.#table?.size ?? 0;
  }

  /** Keys dropped while still holding counts because maxKeys was reached. */
  get evictions(): number {
    return this.#sweeper?.evictions ?? 0;
  }

  bind(spec: LimitSpec): void {
    if (this.#spec) {
      if (!sameSpec(this.#spec, spec)) {
        throw new InvalidArgumentError(
          'MemoryStore: already used by a RateLimiter with other limits; give each limiter its own store',
        );
      }
      return;
    }
    this.#spec = spec;
    const L = layoutFor(spec);
    const algorithm = L.sliding ? new SlidingWindow(L) : new TokenBucket(L);
    const table = new KeyTable(L.stride, Math.min(MIN_CAPACITY, this.#maxCapacity), !L.sliding);
    this.#algorithm = algorithm;
    this.#stride = L.stride;
    this.#table = table;
    const idle = (o: number, now: number): boolean => algorithm.idle(table.words, table.floats, o, now, spec);
    this.#sweeper = new Sweeper(table, idle, L.parallel);
  }

  /** Slot of key, inserted if new. */
  #slotOf(key: string, now: number): number {
    const t = this.#table!;
    const i = t.find(key);
    return i >= 0 ? i : this.#insert(now);
  }

  /** Inserts the key hashed by the last find(). */
  #insert(now: number): number {
    const t = this.#table!;
    const sw = this.#sweeper!;
    sw.step(now, 2);
    if (t.size + 1 > t.capacity * LOAD || t.size >= this.maxKeys) this.#makeRoom(now);
    let i = t.insertHashed();
    while (i < 0) {
      this.#roomInReach(now);
      i = t.insertHashed();
    }
    return i;
  }

  #makeRoom(now: number): void {
    const t = this.#table!;
    const sw = this.#sweeper!;
    if (t.size < this.maxKeys) {
      // Over the load factor: a full pass (O(capacity), only before a growth) may free enough.
      sw.fullPass(now);
      if (t.size + 1 <= t.capacity * LOAD) return;
      this.#grow(Math.min(t.capacity * 2, this.#maxCapacity));
      return;
    }
    sw.step(now, 64);
    if (t.size < this.maxKeys) return;
    // Full of active keys: evict the first key from the cursor not holding a parallel slot.
    if (!sw.evictAny()) throw new CapacityError('MemoryStore: maxKeys reached and every key holds a parallel slot');
  }

  /** No free slot within a probe run of the new key's home: free one there (idle, growth, then eviction). */
  #roomInReach(now: number): void {
    const t = this.#table!;
    const sw = this.#sweeper!;
    const { from, count } = t.reachOfHashed();
    if (sw.sweepRange(from, count, now)) return;
    if (t.capacity < this.#maxCapacity) {
      this.#grow(Math.min(t.capacity * 2, this.#maxCapacity));
      return;
    }
    if (!sw.evict(from, count)) {
      throw new CapacityError('MemoryStore: no room for a new key: every key near it holds a parallel slot');
    }
  }

  #grow(capacity: number): void {
    this.#sweeper!.evictions += this.#table!.grow(capacity);
    this.#sweeper!.reset();
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

  consume(key: string, cost: number, slot: string | false, now: number, spec: LimitSpec): CheckResult {
    const i = this.#slotOf(key, now);
    const t = this.#table!;
    return this.#algorithm!.consume(t.words, t.floats, i * this.#stride, cost, slot !== false, now, spec, this.#lite);
  }

  adjust(key: string, dRequests: number, dTokens: number, now: number, s: LimitSpec): void {
    const t = this.#table!;
    let i = t.find(key);
    if (i < 0) {
      // Nothing held for an unknown (or evicted) key; only extra usage needs a slot.
      if (!(dTokens > 0 || dRequests > 0)) return;
      i = this.#insert(now);
    }
    this.#algorithm!.adjust(t.words, t.floats, i * this.#stride, dRequests, dTokens, now, s);
  }

  /** In one process a lease releases once (the limiter sees to it): the slot is a count. */
  release(key: string, _slot: string, _now: number, s: LimitSpec): void {
    if (!s.maxParallel) return;
    const t = this.#table!;
    const i = t.find(key);
    if (i >= 0) this.#algorithm!.releaseParallel(t.words, i * this.#stride);
  }

  /** Drops all state (tests, config reload). */
  clear(): void {
    this.#table?.clear(Math.min(MIN_CAPACITY, this.#maxCapacity));
    this.#sweeper?.reset();
  }
}
