/** A binary min-heap of (time, value) pairs: cooldown expiries, latency sample expiries. */
export class TimeHeap {
  #t: number[] = [];
  #v: number[] = [];

  get size(): number {
    return this.#t.length;
  }

  /** The smallest time, Infinity when empty. */
  peekTime(): number {
    return this.#t.length > 0 ? this.#t[0] : Infinity;
  }

  push(time: number, value: number): void {
    const t = this.#t;
    const v = this.#v;
    let i = t.length;
    t.push(time);
    v.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (t[parent] <= time) break;
      t[i] = t[parent];
      v[i] = v[parent];
      i = parent;
    }
    t[i] = time;
    v[i] = value;
  }

  /** Removes the smallest pair; returns its value (call only when size > 0). */
  pop(): number {
    const t = this.#t;
    const v = this.#v;
    const top = v[0];
    const lastT = t.pop()!;
    const lastV = v.pop()!;
    const n = t.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && t[r] < t[l] ? r : l;
      if (t[c] >= lastT) break;
      t[i] = t[c];
      v[i] = v[c];
      i = c;
    }
    t[i] = lastT;
    v[i] = lastV;
    return top;
  }

  clear(): void {
    this.#t = [];
    this.#v = [];
  }
}
