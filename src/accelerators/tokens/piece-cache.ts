// Tokens of recently merged pieces, so code and repeated identifiers skip the merge. Direct-mapped
// and keyed by the piece's UTF-8 bytes and hash (both already computed for the whole-token lookup):
// a lookup allocates nothing, a miss just overwrites the slot, and no text is held (a cached string
// would keep its whole document alive).

const SLOTS = 4096;
const GOLDEN = 0x9e3779b1;
/** Pieces of up to this many bytes and tokens are cached. */
export const CACHE_MAX_BYTES = 32;
const MAX_TOKENS = 16;

export class PieceCache {
  readonly #hash = new Int32Array(SLOTS);
  /** Byte length of the cached piece; 0 marks an empty slot. */
  readonly #len = new Uint8Array(SLOTS);
  readonly #count = new Uint8Array(SLOTS);
  readonly #bytes = new Uint8Array(SLOTS * CACHE_MAX_BYTES);
  readonly #tokens = new Int32Array(SLOTS * MAX_TOKENS);

  /** Number of tokens of buf[0, k) with hash h, or -1; on a hit the tokens are at tokensOf(slotOf(h)). */
  count(buf: Uint8Array, k: number, h: number): number {
    const slot = Math.imul(h, GOLDEN) >>> 20;
    if (this.#len[slot] !== k || this.#hash[slot] !== h) return -1;
    const bytes = this.#bytes;
    const o = slot * CACHE_MAX_BYTES;
    for (let i = 0; i < k; i++) if (bytes[o + i] !== buf[i]) return -1;
    return this.#count[slot];
  }

  /** Appends the cached tokens of the piece with hash h (after a hit of count()). */
  copy(h: number, out: number[]): void {
    const slot = Math.imul(h, GOLDEN) >>> 20;
    const o = slot * MAX_TOKENS;
    const n = this.#count[slot];
    for (let i = 0; i < n; i++) out.push(this.#tokens[o + i]);
  }

  store(buf: Uint8Array, k: number, h: number, tokens: ArrayLike<number>, m: number): void {
    if (k > CACHE_MAX_BYTES || m > MAX_TOKENS) return;
    const slot = Math.imul(h, GOLDEN) >>> 20;
    this.#hash[slot] = h;
    this.#len[slot] = k;
    this.#count[slot] = m;
    this.#bytes.set(buf.subarray(0, k), slot * CACHE_MAX_BYTES);
    const o = slot * MAX_TOKENS;
    for (let i = 0; i < m; i++) this.#tokens[o + i] = tokens[i];
  }
}
