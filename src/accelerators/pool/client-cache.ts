import { createHash } from 'node:crypto';
import { invalidArgument, outOfRange } from '../../errors';

/**
 * Cache key for an SDK client: provider, base URL and a SHA-256 of the API key. The key itself
 * never lands in a map, a log or stats; two keys never share a client (nor its headers).
 */
export function clientKey(provider: string, baseURL: string, apiKey: string | null | undefined): string {
  const h = apiKey == null ? '-' : createHash('sha256').update(String(apiKey)).digest('base64url');
  return `${provider}\n${baseURL}\n${h}`;
}

/** Bounded LRU of clients: building an SDK client per call costs more than the request's own CPU. */
export class ClientCache<T> {
  readonly max: number;
  #map = new Map<string, T>();

  constructor(max = 64) {
    if (typeof max !== 'number') invalidArgument('ClientCache: max', max, 'an integer >= 1');
    if (!Number.isInteger(max) || max < 1) outOfRange('ClientCache: max', max, 'an integer >= 1');
    this.max = max;
  }

  get size(): number {
    return this.#map.size;
  }

  getOrCreate(key: string, create: () => T): T {
    const hit = this.#map.get(key);
    if (hit !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit;
    }
    const value = create();
    this.#map.set(key, value);
    if (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value as string);
    return value;
  }

  clear(): void {
    this.#map.clear();
  }
}
