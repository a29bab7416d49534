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
  // Insertion order of the entries (the maps hold no order we could walk cheaply after deletions).
  #queueMaps: Map<string, number>[] = [];
  #queueKeys: string[] = [];
  #queueHead = 0;

  configure(options: TokenCacheOptions): void {
    if (options === null || typeof options !== 'object') {
      invalidArgument('configureTokenCache: options', options, 'an object');
    }
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
    const hit = map === undefined ? undefined : this.#hit(map, text);
    if (hit === undefined) this.#misses++;
    return hit;
  }

  store(encoding: string, text: string, n: number): void {
    if (text.length < this.#minChars || this.#maxBytes === 0) return;
    const map = this.#map(encoding);
    if (!map.has(text) && entrySize(text) <= this.#maxBytes) this.#insert(map, flatCopy(text), n);
  }

  /** Count through the memo: `counter.count` runs only on a miss (an object, so no closure per call). */
  get(encoding: string, text: string, counter: { count(text: string): number }): number {
    if (text.length < this.#minChars || this.#maxBytes === 0) {
      this.#skipped++;
      return counter.count(text);
    }
    const map = this.#map(encoding);
    const hit = this.#hit(map, text);
    if (hit !== undefined) return hit;
    this.#misses++;
    // Counted from the copy: reading a flat string is faster than reading through a concatenation
    // or a slice (a chat message built with a template literal is one), and the copy is made anyway.
    // A text larger than the whole budget is counted as it is and never copied.
    const fits = entrySize(text) <= this.#maxBytes;
    const key = fits ? flatCopy(text) : text;
    const n = counter.count(key);
    if (fits) this.#insert(map, key, n);
    return n;
  }

  #map(encoding: string): Map<string, number> {
    let map = this.#maps.get(encoding);
    if (map === undefined) {
      map = new Map();
      this.#maps.set(encoding, map);
    }
    return map;
  }

  // Values are count * 2 + a "used since the last eviction pass" bit (CLOCK, second chance): a hit
  // is one lookup, not the delete and insert a strict LRU order would cost on every hit.
  #hit(map: Map<string, number>, text: string): number | undefined {
    const v = map.get(text);
    if (v === undefined) return undefined;
    this.#hits++;
    if ((v & 1) === 0) map.set(text, v | 1);
    return v >>> 1;
  }

  /** `key` must be a flatCopy the budget can hold: the map keeps it. */
  #insert(map: Map<string, number>, key: string, n: number): void {
    const size = entrySize(key);
    map.set(key, n * 2);
    this.#queueMaps.push(map);
    this.#queueKeys.push(key);
    this.#bytes += size;
    this.#entries++;
    if (this.#bytes > this.#maxBytes) this.#evict();
  }

  #evict(): void {
    if (this.#bytes <= this.#maxBytes) return;
    // Down to 7/8 of the budget in one pass, oldest first; an entry used since the last pass goes to
    // the back of the queue with its bit cleared (CLOCK), so it is met again at most once.
    const target = this.#maxBytes - (this.#maxBytes >>> 3);
    const maps = this.#queueMaps;
    const keys = this.#queueKeys;
    let i = this.#queueHead;
    while (this.#bytes > target && i < keys.length) {
      const map = maps[i];
      const key = keys[i++];
      const v = map.get(key);
      if (v === undefined) continue;
      if ((v & 1) === 1) {
        map.set(key, v & ~1);
        maps.push(map);
        keys.push(key);
        continue;
      }
      map.delete(key);
      this.#bytes -= entrySize(key);
      this.#entries--;
      this.#evictions++;
    }
    // Drop the consumed front of the queue once it is most of it (amortised O(1) per entry).
    if (i > keys.length / 2) {
      this.#queueMaps = maps.slice(i);
      this.#queueKeys = keys.slice(i);
      i = 0;
    }
    this.#queueHead = i;
  }

  clear(): void {
    this.#maps.clear();
    this.#queueMaps = [];
    this.#queueKeys = [];
    this.#queueHead = 0;
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

function entrySize(text: string): number {
  return text.length * 2 + ENTRY_OVERHEAD;
}

/**
 * A copy of `text` that shares no memory with any other string, and is flat (a sequential string:
 * the fastest to read and to compare). V8 makes a slice of 13+ characters a view into its parent and
 * a concatenation a pair of pointers; joining two parts of an array allocates one new string and
 * copies both into it (an array of one, or with an empty part, would return the text itself).
 */
export function flatCopy(text: string): string {
  return text.length < 13 ? text : [text.slice(0, 1), text.slice(1)].join('');
}
