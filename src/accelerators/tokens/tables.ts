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
const POW = new Int32Array(MAX_TOKEN_BYTES + 1);
POW[0] = 1;
for (let i = 1; i < POW.length; i++) POW[i] = Math.imul(POW[i - 1], P);

export class RankTables {
  /** Ranks 0..size-1; a rank without a token has length 0. */
  readonly size: number;
  readonly bytes: Uint8Array;
  /** Per rank r: its bytes' offset at 2r, their hash at 2r + 1; the end offset is at 2(r + 1). */
  readonly #info: Int32Array;
  /** Per slot s: a hash at 2s, rank + 1 at 2s + 1 (0: empty). */
  readonly #slots: Int32Array;
  readonly #shift: number;
  readonly #mask: number;
  readonly #maxLength: number;
  /** A direct-mapped memo of merge(a, b) as (a, b, rank) triples: runs ask the same pairs again and again. */
  readonly #memo = new Int32Array(MEMO_SLOTS * 3).fill(-1);
  /** Rank of the one-byte token b. */
  readonly single = new Int32Array(256);
  /** Rank of the two-byte token (b0 << 8 | b1), or NO_RANK. */
  readonly pairs = new Int32Array(65536).fill(NO_RANK);

  constructor({ lengths, bytes }: TableData) {
    const size = lengths.length;
    this.size = size;
    this.bytes = bytes;
    const info = new Int32Array(size * 2 + 2);
    let at = 0;
    let maxLength = 0;
    for (let r = 0; r < size; r++) {
      const len = lengths[r];
      if (len > maxLength) maxLength = len;
      let h = 0;
      const end = at + len;
      for (let i = at; i < end; i++) h = (Math.imul(h, P) + bytes[i] + 1) | 0;
      info[2 * r] = at;
      info[2 * r + 1] = h;
      at = end;
    }
    info[2 * size] = at;
    if (at !== bytes.length) outOfRange('token table: byte count', bytes.length, `the sum of the lengths, ${at}`);
    let bits = 1;
    while (1 << bits < size * 2.5) bits++;
    const slots = new Int32Array(2 << bits);
    const mask = (1 << bits) - 1;
    const shift = 32 - bits;
    for (let r = 0; r < size; r++) {
      const len = lengths[r];
      if (len === 0) continue;
      const h = info[2 * r + 1];
      let slot = Math.imul(h, GOLDEN) >>> shift;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = h;
      slots[2 * slot + 1] = r + 1;
      const o = info[2 * r];
      if (len === 1) this.single[bytes[o]] = r;
      else if (len === 2) this.pairs[(bytes[o] << 8) | bytes[o + 1]] = r;
    }
    this.#info = info;
    this.#slots = slots;
    this.#shift = shift;
    this.#mask = mask;
    this.#maxLength = maxLength;
  }

  lengthOf(rank: number): number {
    return this.#info[2 * rank + 2] - this.#info[2 * rank];
  }

  /** The bytes of a token (a view, not a copy). */
  bytesOf(rank: number): Uint8Array {
    return this.bytes.subarray(this.#info[2 * rank], this.#info[2 * rank + 2]);
  }

  /** Rank of the token whose bytes are buf[start, start + len) with hash h (hashes as bpe.ts computes them), or NO_RANK. */
  find(buf: Uint8Array, start: number, len: number, h: number): number {
    if (len > this.#maxLength) return NO_RANK;
    const slots = this.#slots;
    const info = this.#info;
    const bytes = this.bytes;
    let slot = Math.imul(h, GOLDEN) >>> this.#shift;
    for (;;) {
      const entry = slots[2 * slot + 1];
      if (entry === 0) return NO_RANK;
      if (slots[2 * slot] === h) {
        const o = info[2 * entry - 2];
        if (info[2 * entry] - o === len) {
          let i = 0;
          while (i < len && bytes[o + i] === buf[start + i]) i++;
          if (i === len) return entry - 1;
        }
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
    const memo = this.#memo;
    const m = 3 * ((Math.imul(a, 0x2545f491) ^ b) & (MEMO_SLOTS - 1));
    if (memo[m] === a && memo[m + 1] === b) return memo[m + 2];
    const info = this.#info;
    const oa = info[2 * a];
    const ob = info[2 * b];
    const lb = info[2 * b + 2] - ob;
    const len = info[2 * a + 2] - oa + lb;
    let r = NO_RANK;
    if (len <= this.#maxLength) {
      const h = (Math.imul(info[2 * a + 1], POW[lb]) + info[2 * b + 1]) | 0;
      r = buf === undefined ? this.#findPair(h, len, oa, ob, len - lb) : this.find(buf, start, len, h);
    }
    memo[m] = a;
    memo[m + 1] = b;
    memo[m + 2] = r;
    return r;
  }

  /** find() for the bytes of token a (at oa, la bytes) followed by those of token b (at ob). */
  #findPair(h: number, len: number, oa: number, ob: number, la: number): number {
    const slots = this.#slots;
    const info = this.#info;
    const bytes = this.bytes;
    let slot = Math.imul(h, GOLDEN) >>> this.#shift;
    for (;;) {
      const entry = slots[2 * slot + 1];
      if (entry === 0) return NO_RANK;
      if (slots[2 * slot] === h) {
        const o = info[2 * entry - 2];
        if (info[2 * entry] - o === len) {
          let i = 0;
          while (i < la && bytes[o + i] === bytes[oa + i]) i++;
          if (i === la) {
            while (i < len && bytes[o + i] === bytes[ob + i - la]) i++;
            if (i === len) return entry - 1;
          }
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
    if (b.length > MAX_TOKEN_BYTES) outOfRange(`token table: length of rank ${r}`, b.length, `at most ${MAX_TOKEN_BYTES}`);
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
