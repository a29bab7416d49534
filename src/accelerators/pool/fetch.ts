import type { Readable } from 'node:stream';
import type { DispatcherRegistry } from './dispatchers';
import { type BodyErrorMapper, FastResponse, fetchBodyError } from './response';

/** The subset of fetch() the SDKs and litellm's handlers call. */
export type FetchLike = (input: any, init?: any) => Promise<any>;

export interface PooledFetchOptions {
  registry: DispatcherRegistry;
  /**
   * Used for what the fast path does not cover (Request objects, streamed or multipart bodies,
   * redirects). The caller's own transport, so behaviour there is exactly the original.
   */
  fallback: FetchLike;
  /** Called once per request served by the fast path (stats). */
  onRequest?: (origin: string) => void;
  /** The error a body cut mid-way becomes; default: fetch's TypeError('terminated'). */
  bodyError?: BodyErrorMapper;
}

type HeaderObject = Record<string, string>;

function toHeaderObject(h: unknown): HeaderObject | undefined {
  if (h == null) return undefined;
  if (typeof (h as any).forEach === 'function' && typeof (h as any).get === 'function') {
    const out: HeaderObject = {};
    (h as { forEach(fn: (v: string, k: string) => void): void }).forEach((v, k) => { out[k] = v; });
    return out;
  }
  if (Array.isArray(h)) {
    const out: HeaderObject = {};
    for (const [k, v] of h as [string, string][]) out[k] = out[k] === undefined ? v : `${out[k]}, ${v}`;
    return out;
  }
  if (typeof h === 'object') {
    let clean = true;
    for (const k in h as Record<string, unknown>) {
      if (typeof (h as Record<string, unknown>)[k] !== 'string') { clean = false; break; }
    }
    if (clean) return h as HeaderObject;
    const out: HeaderObject = {};
    for (const [k, v] of Object.entries(h as Record<string, unknown>)) if (v != null) out[k] = String(v);
    return out;
  }
  return undefined;
}

function isFastBody(b: unknown): b is string | Uint8Array | null | undefined {
  return b == null || typeof b === 'string' || b instanceof Uint8Array;
}

/** fetch reports transport failures as TypeError('fetch failed') with the cause attached. */
function asFetchError(err: unknown, signal: AbortSignal | null | undefined): unknown {
  if (signal?.aborted) return signal.reason ?? err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  return new TypeError('fetch failed', { cause: err });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Origin and path of an absolute http(s) URL. The SDKs pass URLs they built with `new URL()`, so a
 * plain split is exact for them; anything unusual goes through the URL parser.
 */
function splitUrl(href: string): { origin: string; path: string } | undefined {
  const scheme = href.startsWith('http://') ? 7 : href.startsWith('https://') ? 8 : 0;
  if (scheme !== 0) {
    const slash = href.indexOf('/', scheme);
    const origin = slash === -1 ? href : href.slice(0, slash);
    const plain = /^[a-z0-9.-]+(:\d{1,5})?$/.test(origin.slice(scheme));
    if (plain) {
      const rest = slash === -1 ? '/' : href.slice(slash);
      const hash = rest.indexOf('#');
      return { origin, path: hash === -1 ? rest : rest.slice(0, hash) };
    }
  }
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  // fetch refuses credentials in URLs; the fallback gives that same answer.
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') return undefined;
  return { origin: url.origin, path: url.pathname + url.search };
}

/**
 * A fetch-compatible function over `Pool.request` on a shared per-origin dispatcher. It skips
 * the WHATWG Request/Response/stream machinery, which is where fetch spends its CPU, and
 * returns a Response-shaped object (status, ok, headers.get/entries, body, text, json).
 */
export function createPooledFetch(options: PooledFetchOptions): FetchLike {
  const { registry, fallback, onRequest, bodyError = fetchBodyError } = options;

  return function pooledFetch(input: any, init?: any): Promise<any> {
    let href: string;
    if (typeof input === 'string') href = input;
    else if (input instanceof URL) href = input.href;
    else return fallback(input, init);

    const body = init?.body;
    if (!isFastBody(body) || (init?.redirect !== undefined && init.redirect !== 'follow')) {
      return fallback(input, init);
    }
    const target = splitUrl(href);
    if (target === undefined) return fallback(input, init);

    const signal: AbortSignal | null | undefined = init?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const { origin, path } = target;
    const method = typeof init?.method === 'string' ? init.method.toUpperCase() : 'GET';
    const pool = registry.acquire(origin);
    onRequest?.(origin);

    return pool
      .request({
        path,
        method: method as any,
        headers: toHeaderObject(init?.headers),
        body: body ?? undefined,
        signal: signal ?? undefined,
      })
      .then(
        (res) => {
          if (REDIRECTS.has(res.statusCode) && res.headers.location !== undefined) {
            // Rare for API endpoints: let the caller's own fetch apply its redirect rules.
            res.body.resume();
            return fallback(input, init);
          }
          return new FastResponse(res.statusCode, res.headers, res.body as unknown as Readable, href, signal, bodyError);
        },
        (err: unknown) => { throw asFetchError(err, signal); },
      );
  };
}
