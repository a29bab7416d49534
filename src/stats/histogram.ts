// Log-linear latency histogram: 8 sub-buckets per power of two (~12.5% resolution), fixed memory,
// O(1) record, so every guarded call can be timed without allocating.
const SUB = 8;
const SUB_BITS = 3;
const MAX_EXP = 44; // 2^44 ns ≈ 4.9 hours, far past any call we time
const SIZE = (MAX_EXP + 1) * SUB;

export class Histogram {
  readonly counts = new Float64Array(SIZE);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  record(ns: number): void {
    let i: number;
    if (ns < 4294967296) {
      // Integer bit tricks: this runs on every guarded call.
      const v = ns < 1 ? 1 : ns >>> 0;
      const e = 31 - Math.clz32(v);
      i = e < SUB_BITS ? e * SUB : e * SUB + ((v >>> (e - SUB_BITS)) & (SUB - 1));
    } else {
      const e = Math.min(MAX_EXP, Math.floor(Math.log2(ns)));
      i = e * SUB + Math.min(SUB - 1, ((ns / 2 ** e - 1) * SUB) | 0);
    }
    this.counts[i]++;
    this.count++;
    this.sum += ns;
    if (ns < this.min) this.min = ns;
    if (ns > this.max) this.max = ns;
  }

  /** Upper edge of the bucket holding the q-quantile, clamped to the observed range. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const e = Math.floor(i / SUB);
        const sub = i % SUB;
        const upper = 2 ** e * (1 + (sub + 1) / SUB);
        return Math.min(this.max, Math.max(this.min, upper));
      }
    }
    return this.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = 0;
  }
}
