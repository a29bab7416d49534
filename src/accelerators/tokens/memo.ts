// Bounded memo of text -> token count, so counting the same prompt again (Ollama recounts the whole
// prompt for every streamed chunk, chats resend their history) is one Map lookup. The key is the
// text itself: V8 caches a string's hash in the string, so a prompt object seen before costs O(1),
// and an equal copy costs one hash pass, far less than tokenizing it. Bounded by the bytes the keys hold:
// keys are stored as flat copies, since a slice (`doc.slice(0, 200)`) would keep its whole parent alive.
import { invalidArgument, outOfRange } from '../../errors';

export interface TokenCacheStats {
  hits: number;
  misses: number;
  /** Texts shorter than minChars are counted directly and never reach the memo. */
  skipped: number;
  entries: number;
  bytes: number;
  maxBytes: number;
  evictions: number;
}

export interface TokenCacheOptions {
  /** Memory budget for memoised texts, in bytes (UTF-16: 2 bytes per code unit). 0 disables. */
  maxBytes?: number;
  /** Texts shorter than this (UTF-16 units) skip the memo: counting them is about as cheap. */
  minChars?: number;
}

export const TOKEN_CACHE_DEFAULTS = Object.freeze({ maxBytes: 16 * 1024 * 1024, minChars: 64 });
const ENTRY_OVERHEAD = 64;

export class TokenMemo {
  #maps = new Map<string, Map<string, number>>();
  #maxBytes: number = TOKEN_CACHE_DEFAULTS.maxBytes;
  #minChars: number = TOKEN_CACHE_DEFAULTS.minChars;
  #bytes = 0;
  #entries = 0;
  #hits = 0;
  #misses = 0;
  #skipped = 0;
  #evictions = 0;

  configure(options: TokenCacheOptions): void {
    if (options === null || typeof options !== 'object') invalidArgument('configureTokenCache: options', options, 'an object');
    for (const key of ['maxBytes', 'minChars'] as const) {
      const value = options[key];
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
        outOfRange(`configureTokenCache: ${key}`, value, 'an integer >= 0');
      }
    }
    if (options.maxBytes !== undefined) this.#maxBytes = options.maxBytes;
    if (options.minChars !== undefined) this.#minChars = options.minChars;
    this.#evict();
  }

  /** The memoised count, or undefined (counted as a miss; store() should follow). */
  lookup(encoding: string, text: string): number | undefined {
    if (text.length < this.#minChars || this.#maxBytes === 0) {
      this.#skipped++;
      return undefined;
    }
    const map = this.#maps.get(encoding);
    const hit = map?.get(text);
    if (hit === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    map!.delete(text);
    map!.set(text, hit);
    return hit;
  }

  store(encoding: string, text: string, n: number): void {
    if (text.length < this.#minChars || this.#maxBytes === 0) return;
    let map = this.#maps.get(encoding);
    if (map === undefined) {
      map = new Map();
      this.#maps.set(encoding, map);
    }
    if (map.has(text)) return;
    const size = text.length * 2 + ENTRY_OVERHEAD;
    if (size > this.#maxBytes) return;
    map.set(flatCopy(text), n);
    this.#bytes += size;
    this.#entries++;
    if (this.#bytes > this.#maxBytes) this.#evict();
  }

  /** Count through the memo: `count` runs only on a miss. */
  get(encoding: string, text: string, count: (text: string) => number): number {
    if (text.length < this.#minChars || this.#maxBytes === 0) {
      this.#skipped++;
      return count(text);
    }
    let map = this.#maps.get(encoding);
    if (map === undefined) {
      map = new Map();
      this.#maps.set(encoding, map);
    }
    const hit = map.get(text);
    if (hit !== undefined) {
      this.#hits++;
      // Move to the back: Map order is insertion order, eviction takes from the front (LRU).
      map.delete(text);
      map.set(text, hit);
      return hit;
    }
    this.#misses++;
    const n = count(text);
    const size = text.length * 2 + ENTRY_OVERHEAD;
    if (size <= this.#maxBytes) {
      map.set(flatCopy(text), n);
      this.#bytes += size;
      this.#entries++;
      if (this.#bytes > this.#maxBytes) this.#evict();
    }
    return n;
  }

  #evict(): void {
    if (this.#bytes <= this.#maxBytes) return;
    // Evict down to 7/8 of the budget in one pass: a Map keeps deleted slots until it rehashes, so
    // starting a new iterator for every single eviction would rescan them each time.
    const target = this.#maxBytes - (this.#maxBytes >>> 3);
    for (const map of this.#maps.values()) {
      for (const key of map.keys()) {
        if (this.#bytes <= target) return;
        map.delete(key);
        this.#bytes -= key.length * 2 + ENTRY_OVERHEAD;
        this.#entries--;
        this.#evictions++;
      }
    }
  }

  clear(): void {
    this.#maps.clear();
    this.#bytes = 0;
    this.#entries = 0;
    this.#hits = 0;
    this.#misses = 0;
    this.#skipped = 0;
    this.#evictions = 0;
  }

  stats(): TokenCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      skipped: this.#skipped,
      entries: this.#entries,
      bytes: this.#bytes,
      maxBytes: this.#maxBytes,
      evictions: this.#evictions,
    };
  }
}

/**
 * A copy of `text` that shares no memory with any other string. V8 makes a slice of 13+ characters a
 * view into its parent; concatenating and slicing again flattens the text into a fresh string first.
 */
export function flatCopy(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}
