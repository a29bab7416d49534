export type RawHeaders = Record<string, string | string[] | undefined>;

/**
 * The read side of the WHATWG Headers interface over undici's plain header object (keys arrive
 * lower-cased). Building a real Headers costs more than the rest of the response handling.
 */
export class FastHeaders {
  readonly #raw: RawHeaders;
  constructor(raw: RawHeaders) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const v = this.#raw[name.toLowerCase()];
    if (v === undefined) return null;
    return typeof v === 'string' ? v : v.join(', ');
  }
  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined;
  }
  getSetCookie(): string[] {
    const v = this.#raw['set-cookie'];
    return v === undefined ? [] : typeof v === 'string' ? [v] : [...v];
  }
  entries(): IterableIterator<[string, string]> {
    return this.#list()[Symbol.iterator]();
  }
  /** Name-sorted pairs, as fetch's Headers iterates them (SDKs copy them once per response). */
  #list(): [string, string][] {
    const out: [string, string][] = [];
    for (const k of Object.keys(this.#raw).sort()) {
      const v = this.#raw[k];
      if (v === undefined) continue;
      // fetch keeps each set-cookie apart and joins other repeated headers.
      if (k === 'set-cookie' && typeof v !== 'string') for (const c of v) out.push([k, c]);
      else out.push([k, typeof v === 'string' ? v : v.join(', ')]);
    }
    return out;
  }
  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): IterableIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }
  forEach(fn: (value: string, key: string, parent: FastHeaders) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  get [Symbol.toStringTag](): string {
    return 'Headers';
  }
}

/** A WHATWG Headers with the same entries (set-cookie values kept apart), for the `web` response mode. */
export function toWebHeaders(raw: RawHeaders): Headers {
  const h = new Headers();
  for (const k in raw) {
    const v = raw[k];
    if (v === undefined) continue;
    try {
      if (typeof v === 'string') h.append(k, v);
      else for (const x of v) h.append(k, x);
    } catch {
      // An invalid name or value from the wire: left out rather than failing the response.
    }
  }
  return h;
}
