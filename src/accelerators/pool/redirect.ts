import type { RedirectFailure } from './fetch-flavour';
import { type FastBodyInit, type HeaderObject, type Target, fromUrl } from './target';

// fetch's redirect steps (WHATWG fetch "HTTP-redirect fetch", as undici implements them), applied to
// a request the pooled path already sent: it is never handed to the fallback, which would send it
// (and its body) a second time.

export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 20;

export interface Hop {
  /** Fragments never reach the wire, nor response.url: none is kept. */
  target: Target;
  method: string;
  headers: HeaderObject | undefined;
  body: FastBodyInit;
}

export type HopFailure = { failure: RedirectFailure; cause?: unknown };

// request-body-header names, removed when a redirect turns the request into a GET.
const BODY_HEADERS = new Set(['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length']);
// Credentials, removed on a cross-origin hop: fetch's list (authorization, proxy-authorization,
// cookie, host) with node-fetch's (www-authenticate, cookie2), so neither original sends more.
const CROSS_ORIGIN = new Set(['authorization', 'proxy-authorization', 'cookie', 'cookie2', 'www-authenticate', 'host']);

function without(headers: HeaderObject | undefined, drop: (lower: string) => boolean): HeaderObject | undefined {
  if (headers === undefined) return undefined;
  const out: HeaderObject = {};
  for (const k of Object.keys(headers)) if (!drop(k.toLowerCase())) out[k] = headers[k];
  return out;
}

/** A Location header sent as UTF-8 bytes reaches us as latin1 text; browsers and fetch read it as UTF-8. */
function asUtf8(location: string): string {
  return /[^\x00-\x7f]/.test(location) ? Buffer.from(location, 'latin1').toString('utf8') : location;
}

/** The request to send after a redirect answer, or why fetch would fail instead. `count` = hops so far. */
export function nextHop(hop: Hop, status: number, location: string, count: number): Hop | HopFailure {
  let url: URL;
  try {
    url = new URL(asUtf8(location), hop.target.href);
  } catch (cause) {
    return { failure: 'location', cause };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { failure: 'scheme' };
  if (count >= MAX_REDIRECTS) return { failure: 'max' };
  if (url.username !== '' || url.password !== '') return { failure: 'credentials' };
  const target = fromUrl(url) as Target;
  let { method, headers, body } = hop;
  if (((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD')) {
    method = 'GET';
    body = undefined;
    headers = without(headers, (k) => BODY_HEADERS.has(k));
  }
  if (target.origin !== hop.target.origin) headers = without(headers, (k) => CROSS_ORIGIN.has(k));
  return { target, method, headers, body };
}
