import { KeyHasher } from './key-hash';

/*
 * Open-addressing table of fixed-size slots in one typed array, keyed by a 64-bit keyed hash of the
 * key (the key itself is not kept). A slot is `stride` 32-bit words: the two hash lanes (word 1 is
 * never 0 in a used slot), then the state the algorithms keep (see slot-layout.ts). Linear probing,
 * backward-shift deletion, no tombstones: a check touches one cache line, not one per field.
 *
 * Two keys share state only if both hash lanes collide and they probe into the same run (~1e-9 per
 * new key at 1M keys). Every key sits within MAX_PROBE slots of its home, so a lookup never scans
 * more than that, whatever keys arrive.
 */

/** Longest probe run allowed; random keys at 0.8 load reach ~400 at 2M slots. */
export const MAX_PROBE = 1024;
const TWO32 = 4294967296;

export class KeyTable {
  /** Slot words; replaced (not resized) when the table grows, so read it after any insert. */
  words: Uint32Array = new Uint32Array(0);
  /** The same memory as doubles (token-bucket state), or empty when the layout has none. */
  floats: Float64Array = new Float64Array(0);
  capacity = 0;
  size = 0;
  readonly stride: number;
  readonly hasher: KeyHasher;
  readonly #floats: boolean;

  constructor(stride: number, capacity: number, floats: boolean, hasher = new KeyHasher()) {
    this.stride = stride;
    this.#floats = floats;
    this.hasher = hasher;
    this.#alloc(capacity);
  }

  #alloc(capacity: number): void {
    this.capacity = capacity;
    const buf = new ArrayBuffer(capacity * this.stride * 4);
    this.words = new Uint32Array(buf);
    this.floats = this.#floats ? new Float64Array(buf) : new Float64Array(0);
  }

  /** Slot where a key whose home lane is `home` starts probing. */
  homeOf(home: number): number {
    return Math.floor((home * this.capacity) / TWO32);
  }

  /** Hashes `key` (kept in `hasher` for insertHashed) and returns its slot, or -1. */
  find(key: string): number {
    const h = this.hasher;
    h.hash(key);
    const home = h.home;
    const check = h.check;
    const a = this.words;
    const S = this.stride;
    const cap = this.capacity;
    let i = this.homeOf(home);
    for (let n = 0; n < MAX_PROBE; n++) {
      const o = i * S;
      const c = a[o + 1];
      if (c === 0) return -1;
      if (c === check && a[o] === home) return i;
      if (++i === cap) i = 0;
    }
    return -1;
  }

  /** Puts the key hashed by the last find() in the first free slot of its run, or -1 if none is within reach. */
  insertHashed(): number {
    const a = this.words;
    const S = this.stride;
    const cap = this.capacity;
    let i = this.homeOf(this.hasher.home);
    for (let n = 0; n < MAX_PROBE && n < cap; n++) {
      if (a[i * S + 1] === 0) {
        a[i * S] = this.hasher.home;
        a[i * S + 1] = this.hasher.check;
        this.size++;
        return i;
      }
      if (++i === cap) i = 0;
    }
    return -1;
  }

  /** Slots from the last hashed key's home to the end of its reach (for making room there). */
  reachOfHashed(): { from: number; count: number } {
    return { from: this.homeOf(this.hasher.home), count: Math.min(MAX_PROBE, this.capacity) };
  }

  isUsed(i: number): boolean {
    return this.words[i * this.stride + 1] !== 0;
  }

  /** Removes slot i, shifting later members of its run back so no lookup stops early. */
  remove(i: number): void {
    const a = this.words;
    const S = this.stride;
    const cap = this.capacity;
    let j = i;
    for (;;) {
      if (++j === cap) j = 0;
      if (a[j * S + 1] === 0) break;
      const k = this.homeOf(a[j * S]);
      // Leave j alone if its home lies cyclically in (i, j].
      if (i <= j ? i < k && k <= j : i < k || k <= j) continue;
      a.copyWithin(i * S, j * S, j * S + S);
      i = j;
    }
    a.fill(0, i * S, i * S + S);
    this.size--;
  }

  /** Rebuilds at `capacity`; returns how many entries could not be placed within reach (dropped). */
  grow(capacity: number): number {
    const old = this.words;
    const oldCap = this.capacity;
    const S = this.stride;
    this.#alloc(capacity);
    const a = this.words;
    let dropped = 0;
    for (let j = 0; j < oldCap; j++) {
      const oj = j * S;
      if (old[oj + 1] === 0) continue;
      let i = this.homeOf(old[oj]);
      let n = 0;
      while (a[i * S + 1] !== 0 && n++ < MAX_PROBE) if (++i === capacity) i = 0;
      if (a[i * S + 1] !== 0) {
        dropped++;
        continue;
      }
      a.set(old.subarray(oj, oj + S), i * S);
    }
    this.size -= dropped;
    return dropped;
  }

  clear(capacity: number): void {
    this.#alloc(capacity);
    this.size = 0;
  }

  /** Longest run of used slots (diagnostics and tests: what a lookup may have to scan). */
  longestRun(): number {
    let best = 0;
    let run = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < this.capacity; i++) {
        if (this.isUsed(i)) run++;
        else {
          if (run > best) best = run;
          run = 0;
        }
      }
    }
    return Math.min(Math.max(best, run), this.capacity);
  }
}
