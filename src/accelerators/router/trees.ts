// The two index structures every pick runs on: O(log n) per update and per pick, so a pick costs
// about the same at 10 and at 1000 deployments (LiteLLM scans every deployment per pick, and its
// latency and cost strategies scan them once per deployment: quadratic, BerriAI/litellm#21270).

/** Sums of non-negative weights with weighted sampling (Fenwick tree). */
export class WeightTree {
  readonly #n: number;
  readonly #tree: Float64Array;
  readonly #values: Float64Array;
  #total = 0;
  readonly #top: number;

  constructor(n: number) {
    this.#n = n;
    this.#tree = new Float64Array(n + 1);
    this.#values = new Float64Array(n);
    let top = 1;
    while (top * 2 <= n) top *= 2;
    this.#top = top;
  }

  get total(): number {
    // Float sums drift by a few ulps after many updates: a total this small is an empty tree.
    return this.#total > 1e-9 ? this.#total : 0;
  }

  value(i: number): number {
    return this.#values[i];
  }

  set(i: number, v: number): void {
    const d = v - this.#values[i];
    if (d === 0) return;
    this.#values[i] = v;
    this.#total += d;
    for (let j = i + 1; j <= this.#n; j += j & -j) this.#tree[j] += d;
  }

  /** The position whose cumulative range holds `r` (0 <= r < total); skips zero weights. */
  find(r: number): number {
    let pos = 0;
    let rest = r;
    for (let step = this.#top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.#n && this.#tree[next] <= rest) {
        pos = next;
        rest -= this.#tree[next];
      }
    }
    // pos is the count of positions whose prefix sum is <= r; float error may land on a zero weight.
    let i = Math.min(pos, this.#n - 1);
    while (i > 0 && this.#values[i] === 0) i--;
    while (i < this.#n - 1 && this.#values[i] === 0) i++;
    return i;
  }

  /** A position drawn with probability weight / total, or -1 when every weight is 0. */
  sample(random: () => number): number {
    const total = this.total;
    if (total === 0) return -1;
    return this.find(random() * total);
  }
}

/**
 * The minimum of (key, tie) pairs over positions (a segment tree): key Infinity means "not a
 * candidate". Ties on key go to the smaller tie value.
 */
export class MinTree {
  readonly #size: number;
  readonly #key: Float64Array;
  readonly #tie: Float64Array;
  /** Position of the minimum of each node's range; leaf i lives at size + i. */
  readonly #arg: Int32Array;

  constructor(n: number) {
    let size = 1;
    while (size < Math.max(1, n)) size *= 2;
    this.#size = size;
    this.#key = new Float64Array(size).fill(Infinity);
    this.#tie = new Float64Array(size);
    this.#arg = new Int32Array(2 * size).fill(-1);
    for (let i = 0; i < size; i++) this.#arg[size + i] = i;
    for (let node = size - 1; node >= 1; node--) this.#arg[node] = this.#arg[2 * node];
  }

  key(i: number): number {
    return this.#key[i];
  }

  set(i: number, key: number, tie: number): void {
    this.#key[i] = key;
    this.#tie[i] = tie;
    for (let node = (this.#size + i) >> 1; node >= 1; node >>= 1) {
      const a = this.#arg[2 * node];
      const b = this.#arg[2 * node + 1];
      this.#arg[node] = this.#less(b, a) ? b : a;
    }
  }

  #less(a: number, b: number): boolean {
    const ka = this.#key[a];
    const kb = this.#key[b];
    return ka < kb || (ka === kb && this.#tie[a] < this.#tie[b]);
  }

  /** The position of the minimum, or -1 when no key is finite. */
  min(): number {
    const i = this.#arg[1];
    return i >= 0 && this.#key[i] !== Infinity ? i : -1;
  }

  /** Every position whose key is <= limit (walks only subtrees that hold one). */
  within(limit: number, out: number[]): number[] {
    const walk = (node: number): void => {
      const a = this.#arg[node];
      if (this.#key[a] > limit) return;
      if (node >= this.#size) {
        out.push(node - this.#size);
        return;
      }
      walk(2 * node);
      walk(2 * node + 1);
    };
    walk(1);
    return out;
  }
}
