// Byte-pair merge of long pieces (a 1 MB run of one letter is one piece) in O(n) amortised, with the
// same result as tiktoken's loop: repeatedly merge the adjacent pair of lowest rank, the leftmost
// among equal ranks.
//
// Parts form a linked list. Every part whose pair with its right neighbour is a token sits in the
// bucket of that token's rank (an intrusive doubly linked list, kept in position order), and a
// two-level bitmap finds the lowest non-empty bucket. Merging never creates a pair of the rank being
// merged (the new pair is longer than that token), so a bucket drained left to right is exactly
// tiktoken's order; a part appended to a bucket left of its tail (the bucket was filled by several
// passes) marks it unsorted, and it is sorted before its next use. A part's fields sit side by side
// (one Int32Array, FIELDS per part): the merge jumps around a megabyte of parts, and one cache line
// per part is what keeps it fast.
import { NO_RANK as NONE, type RankTables } from './tables';

// Bound once: under esbuild (tsx, vitest) every use of an imported name is a getter call, too slow here.
const NO_RANK = NONE;

const FIELDS = 6;
const SCRATCH_PARTS = 8192;
// Field offsets: the part's token, its neighbours, the rank of its pair with the next part (or
// NO_RANK), and its neighbours in that rank's bucket.
const TOK = 0;
const NEXT = 1;
const PREV = 2;
const PAIR = 3;
const BNEXT = 4;
const BPREV = 5;

export class LongMerger {
  readonly #t: RankTables;
  /** Bucket r's first part at 2r, its last at 2r + 1 (as part * FIELDS), -1 when empty. */
  readonly #ends: Int32Array;
  readonly #unsorted: Uint8Array;
  readonly #words: Int32Array;
  readonly #summary: Int32Array;
  #lo: number;
  #scratch: Int32Array | undefined;
  #sortBuf = new Int32Array(64);

  constructor(tables: RankTables) {
    this.#t = tables;
    const size = tables.size;
    this.#ends = new Int32Array(size * 2).fill(-1);
    this.#unsorted = new Uint8Array(size);
    this.#words = new Int32Array((size >>> 5) + 1);
    this.#summary = new Int32Array((this.#words.length >>> 5) + 1);
    this.#lo = size;
  }

  /** Merges buf[from, from + n) (n >= 2, one part per byte); returns the final tokens in order. */
  merge(buf: Uint8Array, n: number, from = 0): Int32Array {
    const t = this.#t;
    // Pieces cut from random text are short and many: their parts reuse one scratch array.
    const nd = n <= SCRATCH_PARTS
      ? (this.#scratch ??= new Int32Array(SCRATCH_PARTS * FIELDS))
      : new Int32Array(n * FIELDS);
    const end = n * FIELDS;
    const single = t.single;
    const pairs = t.pairs;
    for (let i = 0, p = 0; i < n; i++, p += FIELDS) {
      nd[p + TOK] = single[buf[from + i]];
      nd[p + NEXT] = p + FIELDS;
      nd[p + PREV] = p - FIELDS;
      const r = i + 1 < n ? pairs[(buf[from + i] << 8) | buf[from + i + 1]] : NO_RANK;
      nd[p + PAIR] = r;
      if (r !== NO_RANK) this.#push(nd, p, r);
    }
    for (;;) {
      const r = this.#lowest();
      if (r < 0) break;
      if (this.#unsorted[r] === 1) this.#sort(nd, r);
      const p = this.#ends[2 * r];
      this.#unlink(nd, p, r);
      const q = nd[p + NEXT];
      const qr = nd[q + PAIR];
      if (qr !== NO_RANK) this.#unlink(nd, q, qr);
      nd[p + TOK] = r;
      const after = nd[q + NEXT];
      nd[p + NEXT] = after;
      let own = NO_RANK;
      if (after < end) {
        nd[after + PREV] = p;
        own = t.merge(r, nd[after + TOK], buf, from + p / FIELDS);
      }
      nd[p + PAIR] = own;
      if (own !== NO_RANK) this.#push(nd, p, own);
      const before = nd[p + PREV];
      if (before >= 0) {
        const old = nd[before + PAIR];
        const left = t.merge(nd[before + TOK], r, buf, from + before / FIELDS);
        if (left !== old) {
          if (old !== NO_RANK) this.#unlink(nd, before, old);
          nd[before + PAIR] = left;
          if (left !== NO_RANK) this.#push(nd, before, left);
        }
      }
    }
    this.#lo = t.size;
    // The tokens, in order, in place (a part is never after its own position); a view of the scratch
    // for short pieces, valid until the next call.
    let m = 0;
    for (let p = 0; p < end; p = nd[p + NEXT]) nd[m++] = nd[p + TOK];
    return nd.subarray(0, m);
  }

  #push(nd: Int32Array, p: number, r: number): void {
    const ends = this.#ends;
    const last = ends[2 * r + 1];
    nd[p + BNEXT] = -1;
    nd[p + BPREV] = last;
    if (last < 0) {
      ends[2 * r] = p;
      const w = r >>> 5;
      this.#words[w] |= 1 << (r & 31);
      this.#summary[w >>> 5] |= 1 << (w & 31);
    } else {
      nd[last + BNEXT] = p;
      if (last > p) this.#unsorted[r] = 1;
    }
    ends[2 * r + 1] = p;
    if (r < this.#lo) this.#lo = r;
  }

  #unlink(nd: Int32Array, p: number, r: number): void {
    const ends = this.#ends;
    const bp = nd[p + BPREV];
    const bn = nd[p + BNEXT];
    if (bp < 0) ends[2 * r] = bn;
    else nd[bp + BNEXT] = bn;
    if (bn < 0) ends[2 * r + 1] = bp;
    else nd[bn + BPREV] = bp;
    if (bp < 0 && bn < 0) {
      this.#unsorted[r] = 0;
      const w = r >>> 5;
      const bits = this.#words[w] & ~(1 << (r & 31));
      this.#words[w] = bits;
      if (bits === 0) this.#summary[w >>> 5] &= ~(1 << (w & 31));
    }
  }

  /** Lowest non-empty bucket, or -1. */
  #lowest(): number {
    const lo = this.#lo;
    const size = this.#t.size;
    if (lo >= size) return -1;
    const words = this.#words;
    let w = lo >>> 5;
    const first = words[w] & (-1 << (lo & 31));
    if (first !== 0) return (this.#lo = (w << 5) + ctz(first));
    const summary = this.#summary;
    w++;
    let s = w >>> 5;
    let bits = s < summary.length ? summary[s] & (-1 << (w & 31)) : 0;
    while (bits === 0) {
      if (++s >= summary.length) {
        this.#lo = size;
        return -1;
      }
      bits = summary[s];
    }
    w = (s << 5) + ctz(bits);
    return (this.#lo = (w << 5) + ctz(words[w]));
  }

  #sort(nd: Int32Array, r: number): void {
    let k = 0;
    for (let p = this.#ends[2 * r]; p >= 0; p = nd[p + BNEXT]) {
      if (k === this.#sortBuf.length) {
        const grown = new Int32Array(k * 2);
        grown.set(this.#sortBuf);
        this.#sortBuf = grown;
      }
      this.#sortBuf[k++] = p;
    }
    const sorted = this.#sortBuf.subarray(0, k).sort();
    let before = -1;
    for (let i = 0; i < k; i++) {
      const p = sorted[i];
      nd[p + BPREV] = before;
      if (before >= 0) nd[before + BNEXT] = p;
      before = p;
    }
    nd[before + BNEXT] = -1;
    this.#ends[2 * r] = sorted[0];
    this.#ends[2 * r + 1] = before;
    this.#unsorted[r] = 0;
  }
}

function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}
