// The vocabulary of one encoding as flat typed arrays: the bytes of every token in rank order and an
// open-addressing index over them. Tokens are found by a polynomial hash of their bytes, which
// composes (hash(a + b) from hash(a), hash(b) and b's length), so the merge asks "is a + b a token?"
// in O(1) from the two tokens' ranks alone. Each rank's offset and hash sit side by side, and so do
// each slot's hash and rank: a probe costs one cache line, not three.
//
// Built from the compact file the build writes (table-file.ts: lengths and bytes, read in ~1 ms) or,
// when that is missing (running from src), from gpt-tokenizer's rank list (rankListData).
import { outOfRange } from '../../errors';
import type { TableData } from './table-file';

export const NO_RANK = 0x7fffffff;
export const MAX_TOKEN_BYTES = 255;
const P = 0x01000193;
const GOLDEN = 0x9e3779b1;
const MEMO_SLOTS = 65536;
/** The filter of token hashes: 2^20 bits (128 KB), ~10% set for cl100k's 100k tokens. */
const FILTER_BITS = 20;
const POW = new Int32Array(MAX_TOKEN_BYTES + 1);
POW[0] = 1;
for (let i = 1; i < POW.length; i++) POW[i] = Math.imul(POW[i - 1], P);

/** Bytes [from, from + 4) of buf[start, start + len) packed little-endian (0 past the end): with the
 * length, the words at 0 and 4 are an exact key for tokens of up to 8 bytes. */
export function wordOf(buf: Uint8Array, start: number, len: number, from: number): number {
  let w = 0;
  for (let i = Math.min(len, from + 4); i-- > from; ) w = (w << 8) | buf[start + i];
  return w;
}

export class RankTables {
  /** Ranks 0..size-1; a rank without a token has length 0. */
  readonly size: number;
  readonly bytes: Uint8Array;
  /** Per rank r at 4r: offset of its bytes, their hash, the packed word of bytes 0-3, their length. */
  readonly #info: Int32Array;
  /**
   * Per slot s at 4s: hash, (length << 24) | (rank + 1) (0: empty), the packed words of bytes 0-3 and
   * 4-7. Tokens of up to 8 bytes (nearly all of prose) are matched on this one cache line; longer ones
   * compare their remaining bytes.
   */
  readonly #slots: Int32Array;
  readonly #shift: number;
  readonly #mask: number;
  readonly #maxLength: number;
  #spanned: Uint8Array | undefined;
  /** A direct-mapped memo of merge(a, b) as (a, b, rank) triples: runs ask the same pairs again and again. */
  #memo: Int32Array | undefined;
  /** One bit per hash value (top bits of h * GOLDEN) of some token: a clear bit proves "no token". */
  #filter: Int32Array | undefined;
  /** Rank of the one-byte token b. */
  readonly single = new Int32Array(256);
  /** Rank of the two-byte token (b0 << 8 | b1), or NO_RANK. */
  readonly pairs = new Int32Array(65536).fill(NO_RANK);

  constructor({ lengths, bytes }: TableData) {
    // Runs once per encoding and process, on its first count, so it is written for speed: one pass
    // over the bytes for hashes and words, then the slots filled in order of their home slot (a
    // counting sort by the top bits), so the 4-8 MB table is written nearly sequentially, not at random.
    const size = lengths.length;
    this.size = size;
    this.bytes = bytes;
    const info = new Int32Array(size * 4);
    const w1s = new Int32Array(size);
    let bits = 1;
    while (1 << bits < size * 2.5) bits++;
    const mask = (1 << bits) - 1;
    const shift = 32 - bits;
    const GROUP_BITS = 8;
    const groups = new Int32Array((1 << GROUP_BITS) + 1);
    const single = this.single;
    const pairs = this.pairs;
    let at = 0;
    let maxLength = 0;
    for (let r = 0; r < size; r++) {
      const len = lengths[r];
      const end = at + len;
      let h = 0;
      let w0 = 0;
      let w1 = 0;
      for (let i = at; i < end; i++) {
        const b = bytes[i];
        h = (Math.imul(h, P) + b + 1) | 0;
        const k = i - at;
        if (k < 4) w0 |= b << (8 * k);
        else if (k < 8) w1 |= b << (8 * (k - 4));
      }
      info[4 * r] = at;
      info[4 * r + 1] = h;
      info[4 * r + 2] = w0;
      info[4 * r + 3] = len;
      w1s[r] = w1;
      if (len > 0) {
        if (len > maxLength) maxLength = len;
        groups[(Math.imul(h, GOLDEN) >>> (32 - GROUP_BITS)) + 1]++;
        if (len === 1) single[bytes[at]] = r;
        else if (len === 2) pairs[(bytes[at] << 8) | bytes[at + 1]] = r;
      }
      at = end;
    }
    if (at !== bytes.length) outOfRange('token table: byte count', bytes.length, `the sum of the lengths, ${at}`);
    for (let g = 1; g < groups.length; g++) groups[g] += groups[g - 1];
    const order = new Int32Array(groups[groups.length - 1]);
    for (let r = 0; r < size; r++) {
      if (info[4 * r + 3] > 0) order[groups[Math.imul(info[4 * r + 1], GOLDEN) >>> (32 - GROUP_BITS)]++] = r;
    }
    const slots = new Int32Array(4 << bits);
    for (let j = 0; j < order.length; j++) {
      const r = order[j];
      const h = info[4 * r + 1];
      let slot = Math.imul(h, GOLDEN) >>> shift;
      while (slots[4 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[4 * slot] = h;
      slots[4 * slot + 1] = (info[4 * r + 3] << 24) | (r + 1);
      slots[4 * slot + 2] = info[4 * r + 2];
      slots[4 * slot + 3] = w1s[r];
    }
    this.#info = info;
    this.#slots = slots;
    this.#shift = shift;
    this.#mask = mask;
    this.#maxLength = maxLength;
  }

  /**
   * Bigrams (b0 << 8 | b1) that occur inside some token: between two bytes whose bigram is not here,
   * no token, so no part of a merge, can ever span; a long piece falls apart there into pieces that
   * merge independently (built on the first long piece: ~1-3 ms).
   */
  spanned(): Uint8Array {
    if (this.#spanned === undefined) {
      const spanned = new Uint8Array(65536);
      const bytes = this.bytes;
      const info = this.#info;
      for (let r = 0; r < this.size; r++) {
        const end = info[4 * r] + info[4 * r + 3];
        for (let i = info[4 * r] + 1; i < end; i++) spanned[(bytes[i - 1] << 8) | bytes[i]] = 1;
      }
      this.#spanned = spanned;
    }
    return this.#spanned;
  }

  lengthOf(rank: number): number {
    return this.#info[4 * rank + 3];
  }

  /** The bytes of a token (a view, not a copy). */
  bytesOf(rank: number): Uint8Array {
    const o = this.#info[4 * rank];
    return this.bytes.subarray(o, o + this.#info[4 * rank + 3]);
  }

  /** Rank of the token whose bytes are buf[start, start + len) with hash h (as bpe.ts computes it), or NO_RANK. */
  find(buf: Uint8Array, start: number, len: number, h: number): number {
    if (len > this.#maxLength) return NO_RANK;
    const key = (len << 24) | 0;
    const w0 = wordOf(buf, start, len, 0);
    const w1 = wordOf(buf, start, len, 4);
    const slots = this.#slots;
    let slot = Math.imul(h, GOLDEN) >>> this.#shift;
    for (;;) {
      const at = 4 * slot;
      const entry = slots[at + 1];
      if (entry === 0) return NO_RANK;
      if (slots[at] === h && (entry & 0xff000000) === key && slots[at + 2] === w0 && slots[at + 3] === w1) {
        const r = (entry & 0xffffff) - 1;
        if (len <= 8) return r;
        const o = this.#info[4 * r];
        const bytes = this.bytes;
        let i = 8;
        while (i < len && bytes[o + i] === buf[start + i]) i++;
        if (i === len) return r;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  /**
   * find() for an ASCII piece text[start, start + len) with hash h and its first 8 char codes packed
   * as w0 and w1 (as wordOf packs bytes).
   */
  findText(text: string, start: number, len: number, h: number, w0: number, w1: number): number {
    if (len > this.#maxLength) return NO_RANK;
    const key = (len << 24) | 0;
    const slots = this.#slots;
    let slot = Math.imul(h, GOLDEN) >>> this.#shift;
    for (;;) {
      const at = 4 * slot;
      const entry = slots[at + 1];
      if (entry === 0) return NO_RANK;
      if (slots[at] === h && (entry & 0xff000000) === key && slots[at + 2] === w0 && slots[at + 3] === w1) {
        const r = (entry & 0xffffff) - 1;
        if (len <= 8) return r;
        const o = this.#info[4 * r];
        const bytes = this.bytes;
        let i = 8;
        while (i < len && bytes[o + i] === text.charCodeAt(start + i)) i++;
        if (i === len) return r;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  /**
   * Rank of the token made of token a followed by token b, or NO_RANK. `buf`, when given, holds the
   * bytes of a + b from `start` (the piece being merged): checking a candidate against them touches
   * memory the merge has in cache anyway.
   */
  merge(a: number, b: number, buf?: Uint8Array, start = 0): number {
    const info = this.#info;
    const lb = info[4 * b + 3];
    const len = info[4 * a + 3] + lb;
    if (len > this.#maxLength) return NO_RANK;
    const h = (Math.imul(info[4 * a + 1], POW[lb]) + info[4 * b + 1]) | 0;
    // Most pairs a long merge asks about are no token (random letters: 19 in 20). The filter, small
    // enough to stay in cache, answers those without a probe of the 4-8 MB slot table.
    const filter = this.#filter ?? this.#buildFilter();
    const bit = Math.imul(h, GOLDEN) >>> (32 - FILTER_BITS);
    if ((filter[bit >>> 5] & (1 << (bit & 31))) === 0) return NO_RANK;
    const memo = (this.#memo ??= new Int32Array(MEMO_SLOTS * 3).fill(-1));
    const m = 3 * ((Math.imul(a, 0x2545f491) ^ b) & (MEMO_SLOTS - 1));
    if (memo[m] === a && memo[m + 1] === b) return memo[m + 2];
    const r = buf === undefined ? this.#findPair(h, len, a, b) : this.#findAt(buf, start, len, h);
    memo[m] = a;
    memo[m + 1] = b;
    memo[m + 2] = r;
    return r;
  }

  #buildFilter(): Int32Array {
    const filter = new Int32Array(1 << (FILTER_BITS - 5));
    const info = this.#info;
    for (let r = 0; r < this.size; r++) {
      if (info[4 * r + 3] === 0) continue;
      const bit = Math.imul(info[4 * r + 1], GOLDEN) >>> (32 - FILTER_BITS);
      filter[bit >>> 5] |= 1 << (bit & 31);
    }
    return (this.#filter = filter);
  }

  /** find() by hash and length, then the bytes: for merges, whose candidates are often longer than 8 bytes. */
  #findAt(buf: Uint8Array, start: number, len: number, h: number): number {
    const info = this.#info;
    const bytes = this.bytes;
    const slots = this.#slots;
    let slot = Math.imul(h, GOLDEN) >>> this.#shift;
    for (;;) {
      const at = 4 * slot;
      const entry = slots[at + 1];
      if (entry === 0) return NO_RANK;
      if (slots[at] === h && entry >>> 24 === len) {
        const r = (entry & 0xffffff) - 1;
        const o = info[4 * r];
        let i = 0;
        while (i < len && bytes[o + i] === buf[start + i]) i++;
        if (i === len) return r;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  /** find() for the bytes of token a followed by those of token b. */
  #findPair(h: number, len: number, a: number, b: number): number {
    const info = this.#info;
    const oa = info[4 * a];
    const la = info[4 * a + 3];
    const ob = info[4 * b];
    const bytes = this.bytes;
    const slots = this.#slots;
    let slot = Math.imul(h, GOLDEN) >>> this.#shift;
    for (;;) {
      const at = 4 * slot;
      const entry = slots[at + 1];
      if (entry === 0) return NO_RANK;
      if (slots[at] === h && entry >>> 24 === len) {
        const o = info[4 * ((entry & 0xffffff) - 1)];
        let i = 0;
        while (i < la && bytes[o + i] === bytes[oa + i]) i++;
        if (i === la) {
          while (i < len && bytes[o + i] === bytes[ob + i - la]) i++;
          if (i === len) return (entry & 0xffffff) - 1;
        }
      }
      slot = (slot + 1) & this.#mask;
    }
  }
}

/** The table data of a rank list (index = rank; a string is the token's UTF-8 text, an array its bytes). */
export function rankListData(list: readonly (string | readonly number[] | undefined)[]): TableData {
  const lengths = new Uint8Array(list.length);
  const parts: Uint8Array[] = [];
  let total = 0;
  list.forEach((t, r) => {
    const b = t === undefined ? new Uint8Array(0) : typeof t === 'string' ? Buffer.from(t, 'utf8') : Uint8Array.from(t);
    if (b.length > MAX_TOKEN_BYTES) {
      outOfRange(`token table: length of rank ${r}`, b.length, `at most ${MAX_TOKEN_BYTES}`);
    }
    lengths[r] = b.length;
    parts.push(b);
    total += b.length;
  });
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const b of parts) {
    bytes.set(b, at);
    at += b.length;
  }
  return { lengths, bytes };
}
