import type { KeyTable } from './key-table';

/*
 * Lazy removal of idle keys (nothing counted still weighs, no parallel slot held): a couple of slots
 * examined per inserted key and a full pass before the table grows; no timer per key, no timer at all.
 * When the table is full of active keys, the key under the cursor is evicted (counted in `evictions`).
 */
export class Sweeper {
  /** Keys dropped while still holding counts (maxKeys reached, or no room within a probe run). */
  evictions = 0;
  #cursor = 0;
  readonly #table: KeyTable;
  /** True when the slot at word offset o holds nothing that still counts at `now`. */
  readonly #idle: (o: number, now: number) => boolean;
  /** Word of the parallel cell in a slot, or -1: keys holding a slot are never evicted. */
  readonly #parallel: number;

  constructor(table: KeyTable, idle: (o: number, now: number) => boolean, parallelWord: number) {
    this.#table = table;
    this.#idle = idle;
    this.#parallel = parallelWord;
  }

  /** Examines `steps` slots from the cursor, removing idle keys. */
  step(now: number, steps: number): void {
    const t = this.#table;
    if (t.size === 0) return;
    for (let n = 0; n < steps; n++) {
      const j = this.#cursor;
      if (j >= t.capacity) this.#cursor = 0;
      else if (t.isUsed(j) && this.#idle(j * t.stride, now)) t.remove(j); // a shifted neighbour may now sit at j
      else this.#cursor = j + 1;
    }
  }

  /** Removes every idle key (O(capacity): only before a growth). */
  fullPass(now: number): void {
    const t = this.#table;
    for (let j = 0; j < t.capacity; ) {
      if (t.isUsed(j) && this.#idle(j * t.stride, now)) t.remove(j);
      else j++;
    }
    this.#cursor = 0;
  }

  /** Removes idle keys among `count` slots from `from`; true if any went. */
  sweepRange(from: number, count: number, now: number): boolean {
    const t = this.#table;
    let removed = false;
    for (let n = 0, j = from; n < count; n++) {
      if (t.isUsed(j) && this.#idle(j * t.stride, now)) {
        t.remove(j);
        removed = true;
      } else if (++j === t.capacity) j = 0;
    }
    return removed;
  }

  /** Evicts the first key from `from` (within `count` slots) not holding a parallel slot; false if none. */
  evict(from: number, count: number): boolean {
    const t = this.#table;
    const a = t.words;
    const S = t.stride;
    const p = this.#parallel;
    for (let n = 0, j = from; n < count; n++, j = j + 1 === t.capacity ? 0 : j + 1) {
      if (t.isUsed(j) && (p < 0 || a[j * S + p] === 0)) {
        t.remove(j);
        this.evictions++;
        this.#cursor = j;
        return true;
      }
    }
    return false;
  }

  /** Evicts one key from the cursor on, anywhere in the table. */
  evictAny(): boolean {
    return this.evict(this.#cursor % Math.max(1, this.#table.capacity), this.#table.capacity);
  }

  reset(): void {
    this.#cursor = 0;
  }
}
