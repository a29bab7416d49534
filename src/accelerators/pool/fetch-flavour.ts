// What differs between the fetch implementations the pooled fetch stands in for: how each failure is
// reported (so an app or SDK that branches on the class, message or code of an error sees the same)
// and the text() BOM rule. Measured against Node's fetch (undici) and node-fetch 2.7 (the openai v4
// and Anthropic 0.6 SDKs' transport) on the same responses (test/pool/body-errors.test.ts).

/** How a body was being read when it failed: whole (text, json, arrayBuffer) or chunk by chunk. */
export type BodyReadKind = 'whole' | 'stream';

/**
 * A redirect that cannot be followed: too many, an unparsable Location, a scheme other than http(s),
 * a Location with credentials (Node's fetch refuses it: its request origin is opaque).
 */
export type RedirectFailure = 'max' | 'location' | 'scheme' | 'credentials';

export interface FetchFlavour {
  /** The request failed before a response arrived (refused, reset, TLS). */
  request(cause: unknown, url: string): unknown;
  /** `url` is the request that got the redirect; `location` the header as sent. */
  redirect(kind: RedirectFailure, url: string, location: string, cause?: unknown): unknown;
  /** The body failed mid-way (connection cut, bad compressed data). */
  body(cause: unknown, url: string, how: BodyReadKind): unknown;
  /** The caller's signal aborted the request or its body. */
  abort(signal: AbortSignal): unknown;
  /** fetch's text() and json() drop a leading UTF-8 BOM; node-fetch's keep it. */
  readonly stripBom: boolean;
  /** json(): fetch throws JSON.parse's SyntaxError, node-fetch wraps it in FetchError('invalid-json'). */
  parseJson(text: string, url: string): unknown;
  /** Ports fetch refuses to connect to ('bad port'); node-fetch has none. */
  readonly badPorts: ReadonlySet<string>;
}

// The fetch standard's port blocklist, as Node's fetch applies it (checked on Node 20's undici 6).
const BAD_PORTS: ReadonlySet<string> = new Set(('1 7 9 11 13 15 17 19 20 21 22 23 25 37 42 43 53 69 77 79 87 95 101 102 103 '
  + '104 109 110 111 113 115 117 119 123 135 137 139 143 161 179 389 427 465 512 513 514 515 526 530 531 532 540 548 554 '
  + '556 563 587 601 636 989 990 993 995 1719 1720 1723 2049 3659 4045 4190 5060 5061 6000 6566 6665 6666 6667 6668 6669 '
  + '6679 6697 10080').split(' '));

const REDIRECT_CAUSE: Record<Exclude<RedirectFailure, 'location'>, string> = {
  max: 'redirect count exceeded',
  scheme: 'URL scheme must be a HTTP(S) scheme',
  credentials: 'cross origin not allowed for request mode "cors"',
};

/** Node's fetch (undici): TypeError('fetch failed' | 'terminated', { cause }), the signal's reason on abort. */
export const FETCH_FLAVOUR: FetchFlavour = Object.freeze({
  request: (cause: unknown) => new TypeError('fetch failed', { cause }),
  redirect: (kind: RedirectFailure, _url: string, _location: string, cause?: unknown) =>
    new TypeError('fetch failed', { cause: kind === 'location' ? cause : new Error(REDIRECT_CAUSE[kind]) }),
  body: (cause: unknown) => new TypeError('terminated', { cause }),
  abort: (signal: AbortSignal) => signal.reason,
  stripBom: true,
  parseJson: (text: string) => JSON.parse(text),
  badPorts: BAD_PORTS,
});

/** node-fetch 2's FetchError: (message, type, systemError) copies systemError.code to code and errno. */
export type FetchErrorClass = new (message: string, type: string, systemError?: unknown) => Error;
export type AbortErrorClass = new (message: string) => Error;

function codeOf(err: unknown): unknown {
  return (err as { code?: unknown } | null)?.code;
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/**
 * node-fetch 2.7: a chunked body cut mid-way is `Error('Premature close')` (code ERR_STREAM_PREMATURE_CLOSE)
 * on the stream, wrapped in FetchError('Invalid response body while trying to fetch <url>: ...') by text()
 * and json(); a zlib error passes through the same way; a connection lost before the response is
 * FetchError('request to <url> failed, reason: socket hang up') with code ECONNRESET.
 */
export function nodeFetchFlavour(FetchError: FetchErrorClass, AbortError?: AbortErrorClass): FetchFlavour {
  return Object.freeze({
    request(cause: unknown, url: string) {
      // undici's "other side closed" is what Node's http client reports as a hang-up.
      const c = codeOf(cause) === 'UND_ERR_SOCKET' ? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) : cause;
      return new FetchError(`request to ${url} failed, reason: ${(c as Error)?.message}`, 'system', c);
    },
    redirect(kind: RedirectFailure, url: string, location: string) {
      if (kind === 'max') return new FetchError(`maximum redirect reached at: ${url}`, 'max-redirect');
      if (kind === 'scheme') return new TypeError('Only HTTP(S) protocols are supported');
      // node-fetch would follow a Location with credentials; the pooled path refuses it as fetch does.
      return new FetchError(`uri requested responds with an invalid redirect URL: ${location}`, 'invalid-redirect');
    },
    body(cause: unknown, url: string, how: BodyReadKind) {
      const code = codeOf(cause);
      const err = typeof code === 'string' && code.startsWith('Z_') ? (cause as Error) : prematureClose();
      return how === 'stream' ? err : new FetchError(`Invalid response body while trying to fetch ${url}: ${err.message}`, 'system', err);
    },
    abort(signal: AbortSignal) {
      return AbortError === undefined ? signal.reason : new AbortError('The user aborted a request.');
    },
    stripBom: false,
    parseJson(text: string, url: string) {
      try {
        return JSON.parse(text);
      } catch (err) {
        throw new FetchError(`invalid json response body at ${url} reason: ${(err as Error).message}`, 'invalid-json');
      }
    },
    badPorts: new Set<string>(),
  });
}

/**
 * The flavour of the fetch a pooled fetch stands in for: node-fetch's when that function carries its
 * `FetchError` class (as node-fetch 2's default export does), else Node fetch's.
 */
export function flavourOf(fetchFn: unknown): FetchFlavour {
  try {
    const f = fetchFn as { FetchError?: unknown; AbortError?: unknown } | null | undefined;
    if (typeof f?.FetchError !== 'function') return FETCH_FLAVOUR;
    const abort = typeof f.AbortError === 'function' ? (f.AbortError as AbortErrorClass) : undefined;
    return nodeFetchFlavour(f.FetchError as FetchErrorClass, abort);
  } catch {
    // A test double whose properties throw: the plain fetch shapes, never an error of ours.
    return FETCH_FLAVOUR;
  }
}
