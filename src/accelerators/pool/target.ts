// The parts of a fetch() call the pooled path understands: absolute http(s) URLs without credentials,
// plain header collections, and bodies that can be sent again as they are (string, bytes, none).

export type HeaderObject = Record<string, string>;

export function toHeaderObject(h: unknown): HeaderObject | undefined {
  if (h == null) return undefined;
  const maybe = h as { forEach?: unknown; get?: unknown };
  if (typeof maybe.forEach === 'function' && typeof maybe.get === 'function') {
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

export type FastBodyInit = string | Uint8Array | null | undefined;

export function isFastBody(b: unknown): b is FastBodyInit {
  return b == null || typeof b === 'string' || b instanceof Uint8Array;
}

export interface Target {
  origin: string;
  /** Path and query, without the fragment. */
  path: string;
  /** The URL as fetch reports it in response.url: without the fragment. */
  href: string;
}

const PLAIN_HOST = /^[a-z0-9.-]+(:\d{1,5})?$/;
// Anything the URL parser would percent-encode or normalise (spaces, non-ASCII, backslashes, dot segments).
const PLAIN_PATH = /^[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;
const DOT_SEGMENT = /\/\.\.?(\/|$|\?)|%2e/i;

/**
 * Origin and path of an absolute http(s) URL. The SDKs pass URLs they built with `new URL()`, so a
 * plain split is exact for them; anything unusual goes through the URL parser.
 */
export function splitUrl(href: string): Target | undefined {
  const scheme = href.startsWith('http://') ? 7 : href.startsWith('https://') ? 8 : 0;
  if (scheme !== 0) {
    const slash = href.indexOf('/', scheme);
    const origin = slash === -1 ? href : href.slice(0, slash);
    const rest = slash === -1 ? '/' : href.slice(slash);
    const hash = rest.indexOf('#');
    const path = hash === -1 ? rest : rest.slice(0, hash);
    if (PLAIN_HOST.test(origin.slice(scheme)) && PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) {
      return { origin, path, href: origin + path };
    }
  }
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  return fromUrl(url);
}

/** undefined for what the fast path leaves to the fallback: other schemes, credentials in the URL. */
export function fromUrl(url: URL): Target | undefined {
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') return undefined;
  const path = url.pathname + url.search;
  return { origin: url.origin, path, href: url.origin + path };
}
