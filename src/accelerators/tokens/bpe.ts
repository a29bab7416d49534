// Count-only byte-pair encoder. Same merge rule as the Rust tiktoken (lowest rank first, leftmost on
// ties), but pieces longer than LONG_PIECE bytes go through a heap so a 1 MB run of one letter is
// O(n log n) instead of O(n^2). Nothing here builds token arrays.

import { flatCopy } from './memo';

/** Rank table as shipped by gpt-tokenizer: index = rank, value = UTF-8 text or raw bytes. */
export type RankTable = readonly (string | readonly number[] | undefined)[];

/** End of the pre-tokenizer piece that starts at `start`, or -1 to let the regex decide. */
export type PieceScanner = (text: string, start: number) => number;

/** Above this many bytes a piece is merged with the heap; below, the plain scan is faster. */
const LONG_PIECE = 128;
/** Pieces up to this many UTF-16 units have their count remembered. */
const CACHE_PIECE_MAX = 64;
const PIECE_CACHE_LIMIT = 50_000;
const NO_RANK = 0x7fffffff;
const POS_SPAN = 2 ** 32;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

export class BpeCounter {
  readonly name: string;
  readonly #pattern: RegExp;
  readonly #ranks: RankTable;
  #pieceCounts = new Map<string, number>();
  readonly #scan: PieceScanner | undefined;
  // Built on first need (a first count pays for what it uses): token text -> rank, for tokens that
  // are valid UTF-8 (most pieces are found here whole); token bytes as latin1 -> rank, for merging.
  #textTable: TextTable | undefined;
  #byteTable: TextTable | undefined;
  #pairRanks: Int32Array | undefined;

  /** `scan`, when given, must split exactly like `pattern` (returning -1 hands one piece to the regex). */
  constructor(name: string, pattern: RegExp, ranks: RankTable, scan?: PieceScanner) {
    if (!pattern.global) throw new Error('pattern must have the g flag');
    this.name = name;
    this.#pattern = pattern;
    this.#ranks = ranks;
    this.#scan = scan;
  }

  #texts(): TextTable {
    return (this.#textTable ??= TextTable.of(this.#ranks, (token) => (typeof token === 'string' ? token : undefined)));
  }

  #bytes(): TextTable {
    return (this.#byteTable ??= TextTable.of(this.#ranks, (token) =>
      typeof token !== 'string' ? String.fromCharCode(...token) : ASCII_ONLY.test(token) ? token : Buffer.from(token, 'utf8').toString('latin1')));
  }

  /** Number of tokens of `text` with special-token strings treated as ordinary text. */
  count(text: string): number {
    if (this.#scan !== undefined) return this.#countScanned(text, this.#scan);
    const re = this.#pattern;
    const table = this.#texts();
    re.lastIndex = 0;
    let total = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const piece = m[0];
      if (table.get(piece, 0, piece.length) !== NO_RANK) total++;
      else total += this.#countPiece(piece);
    }
    return total;
  }

  #countScanned(text: string, scan: PieceScanner): number {
    const re = this.#pattern;
    const table = this.#texts();
    const n = text.length;
    let total = 0;
    let s = 0;
    while (s < n) {
      let e = scan(text, s);
      if (e < 0) {
        re.lastIndex = s;
        const m = re.exec(text) as RegExpExecArray;
        e = s + m[0].length;
      }
      // Whole-token pieces are found without building the piece string.
      if (table.get(text, s, e) !== NO_RANK) total++;
      else total += this.#countPiece(text.slice(s, e));
      s = e;
    }
    return total;
  }

  #countPiece(piece: string): number {
    const cacheable = piece.length <= CACHE_PIECE_MAX;
    if (cacheable) {
      const hit = this.#pieceCounts.get(piece);
      if (hit !== undefined) return hit;
    }
    const bytes = ASCII_ONLY.test(piece) ? piece : Buffer.from(piece, 'utf8').toString('latin1');
    const n = bytes.length > LONG_PIECE ? this.#mergeHeap(bytes) : this.#mergeScan(bytes);
    if (cacheable) {
      // Dropping the whole map is cheaper than LRU bookkeeping and keeps memory bounded.
      if (this.#pieceCounts.size >= PIECE_CACHE_LIMIT) this.#pieceCounts = new Map();
      this.#pieceCounts.set(flatCopy(piece), n);
    }
    return n;
  }

  /** Rank of every 2-byte token, so the first pass of a merge needs no string slicing. */
  #pairs(): Int32Array {
    if (this.#pairRanks === undefined) {
      const pairs = new Int32Array(65536).fill(NO_RANK);
      this.#bytes().forEach((key, rank) => {
        if (key.length === 2) pairs[(key.charCodeAt(0) << 8) | key.charCodeAt(1)] = rank;
      });
      this.#pairRanks = pairs;
    }
    return this.#pairRanks;
  }

  #rank(bytes: string, start: number, end: number): number {
    return this.#bytes().get(bytes, start, end);
  }

  /** tiktoken's own loop: O(n^2) but tight for short pieces. Returns the number of parts. */
  #mergeScan(bytes: string): number {
    const n = bytes.length;
    if (n <= 1) return n;
    const starts: number[] = new Array(n + 1);
    const ranks: number[] = new Array(n);
    for (let i = 0; i <= n; i++) starts[i] = i;
    const pairs = this.#pairs();
    for (let i = 0; i < n - 1; i++) ranks[i] = pairs[(bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1)];
    ranks[n - 1] = NO_RANK;
    let parts = n;
    while (parts > 1) {
      let best = NO_RANK;
      let at = -1;
      for (let i = 0; i < parts - 1; i++) {
        if (ranks[i] < best) {
          best = ranks[i];
          at = i;
        }
      }
      if (at < 0) break;
      starts.splice(at + 1, 1);
      ranks.splice(at + 1, 1);
      parts--;
      ranks[at] = at + 2 <= parts ? this.#rank(bytes, starts[at], starts[at + 2]) : NO_RANK;
      if (at > 0) ranks[at - 1] = this.#rank(bytes, starts[at - 1], starts[at + 1]);
    }
    return parts;
  }

  /** Same result as #mergeScan, O(n log n): a min-heap of (rank, position) over a linked list. */
  #mergeHeap(bytes: string): number {
    const n = bytes.length;
    const next = new Int32Array(n + 1);
    const prev = new Int32Array(n + 1);
    const rankAt = new Int32Array(n + 1);
    for (let i = 0; i <= n; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    const heap = new MinHeap(n);
    const pairs = this.#pairs();
    for (let i = 0; i < n - 1; i++) {
      const r = pairs[(bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1)];
      rankAt[i] = r;
      if (r !== NO_RANK) heap.push(r * POS_SPAN + i);
    }
    rankAt[n - 1] = NO_RANK;
    rankAt[n] = NO_RANK;
    let parts = n;
    while (heap.size > 0) {
      const key = heap.pop();
      const pos = key % POS_SPAN;
      const r = (key - pos) / POS_SPAN;
      // A stale entry: the pair at pos changed since it was pushed (dead nodes keep NO_RANK).
      if (rankAt[pos] !== r) continue;
      const gone = next[pos];
      const after = next[gone];
      next[pos] = after;
      if (after <= n) prev[after] = pos;
      rankAt[gone] = NO_RANK;
      parts--;
      const afterNext = after < n ? next[after] : n + 1;
      const own = afterNext <= n ? this.#rank(bytes, pos, afterNext) : NO_RANK;
      rankAt[pos] = own;
      if (own !== NO_RANK) heap.push(own * POS_SPAN + pos);
      const before = prev[pos];
      if (before >= 0) {
        const left = this.#rank(bytes, before, after);
        if (left !== rankAt[before]) {
          rankAt[before] = left;
          if (left !== NO_RANK) heap.push(left * POS_SPAN + before);
        }
      }
    }
    return parts;
  }
}

/** Open-addressing map of token strings to ranks, probed with a slice of a longer string (no allocation). */
class TextTable {
  readonly #keys: string[];
  readonly #ranks: Int32Array;
  readonly #slots: Int32Array;
  readonly #mask: number;

  /** The table of `keyOf(token)` -> rank over a rank list; tokens whose key is undefined are left out. */
  static of(ranks: RankTable, keyOf: (token: string | readonly number[]) => string | undefined): TextTable {
    const keys: string[] = [];
    const values: number[] = [];
    ranks.forEach((token, rank) => {
      const key = token === undefined ? undefined : keyOf(token);
      if (key === undefined) return;
      keys.push(key);
      values.push(rank);
    });
    return new TextTable(keys, values);
  }

  constructor(keys: string[], ranks: number[]) {
    this.#keys = keys;
    this.#ranks = Int32Array.from(ranks);
    let size = 1;
    while (size < this.#keys.length * 2) size <<= 1;
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    this.#keys.forEach((key, i) => {
      let slot = hashRange(key, 0, key.length) & this.#mask;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#mask;
      this.#slots[slot] = i + 1;
    });
  }

  forEach(fn: (key: string, rank: number) => void): void {
    for (let i = 0; i < this.#keys.length; i++) fn(this.#keys[i], this.#ranks[i]);
  }

  /** Rank of text[start, end), or NO_RANK. */
  get(text: string, start: number, end: number): number {
    const len = end - start;
    let slot = hashRange(text, start, end) & this.#mask;
    for (;;) {
      const entry = this.#slots[slot];
      if (entry === 0) return NO_RANK;
      const key = this.#keys[entry - 1];
      if (key.length === len) {
        let i = 0;
        while (i < len && key.charCodeAt(i) === text.charCodeAt(start + i)) i++;
        if (i === len) return this.#ranks[entry - 1];
      }
      slot = (slot + 1) & this.#mask;
    }
  }
}

/** FNV-1a over UTF-16 code units. */
function hashRange(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

class MinHeap {
  #keys: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.#keys = new Float64Array(Math.max(16, capacity));
  }
  push(key: number): void {
    if (this.size === this.#keys.length) {
      const grown = new Float64Array(this.#keys.length * 2);
      grown.set(this.#keys);
      this.#keys = grown;
    }
    const keys = this.#keys;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] <= key) break;
      keys[i] = keys[parent];
      i = parent;
    }
    keys[i] = key;
  }
  pop(): number {
    const keys = this.#keys;
    const top = keys[0];
    const last = keys[--this.size];
    let i = 0;
    const half = this.size >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      if (child + 1 < this.size && keys[child + 1] < keys[child]) child++;
      if (keys[child] >= last) break;
      keys[i] = keys[child];
      i = child;
    }
    keys[i] = last;
    return top;
  }
}
