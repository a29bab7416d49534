import type { Dispatcher } from 'undici';
import { BodySource } from './body';
import { decodeBody } from './decode';
import type { DispatcherRegistry } from './dispatchers';
import { type FetchFlavour, flavourOf } from './fetch-flavour';
import { invalidArgument } from '../../errors';
import type { RawHeaders } from './headers';
import { type Hop, REDIRECT_STATUSES, nextHop } from './redirect';
import { FastResponse, type ResponseParts } from './response';
import { isFastBody, splitUrl, toHeaderObject } from './target';
import { toWebResponse } from './web-response';

/** The subset of fetch() the SDKs and litellm's handlers call; loose, as it stands in for each of theirs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Node's, node-fetch's and the SDKs' fetch types
export type FetchLike = (input: any, init?: any) => Promise<any>;

/** The init fields the pooled path reads; anything else is passed on untouched to the fallback. */
interface InitLike {
  method?: unknown;
  headers?: unknown;
  body?: unknown;
  signal?: AbortSignal | null;
  redirect?: unknown;
}

export interface PooledFetchOptions {
  registry: DispatcherRegistry;
  /**
   * Used for what the fast path does not cover (Request objects, streamed or multipart bodies,
   * `redirect: 'error'`, URLs with credentials): the caller's own transport, so behaviour
   * there is exactly the original. Never for a request the fast path already sent.
   */
  fallback: FetchLike;
  /** Called once per request sent by the fast path, redirect hops included (stats). */
  onRequest?: (origin: string) => void;
  /** How failures look and text() treats a BOM; default: that of `fallback` (see flavourOf). */
  flavour?: FetchFlavour;
  /**
   * For readers that decode and parse each chunk alone (litellm's NDJSON readers): when it returns
   * true for a response's content type, every body chunk ends at a '\n' byte.
   */
  lineChunks?: (contentType: string | undefined) => boolean;
  /** `fast` (default): a Response-shaped FastResponse. `web`: a real global Response over the same body. */
  response?: 'fast' | 'web';
}

const NULL_BODY = new Set([101, 204, 205, 304]);
const noop = (): void => {};

function portOf(origin: string): string {
  const m = /:(\d+)$/.exec(origin);
  return m === null ? '' : m[1];
}

function header(v: string | string[] | undefined): string | undefined {
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(', ');
}

const WHERE = 'createPooledFetch: options';

function checkOptions(o: PooledFetchOptions): void {
  if (o === null || typeof o !== 'object') invalidArgument(WHERE, o, 'an object');
  if (typeof o.registry?.acquire !== 'function') invalidArgument(`${WHERE}.registry`, o.registry, 'a DispatcherRegistry');
  if (typeof o.fallback !== 'function') invalidArgument(`${WHERE}.fallback`, o.fallback, 'a fetch function');
  for (const k of ['onRequest', 'lineChunks'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'function') invalidArgument(`${WHERE}.${k}`, o[k], 'a function');
  }
  if (o.response !== undefined && o.response !== 'fast' && o.response !== 'web') {
    invalidArgument(`${WHERE}.response`, o.response, "'fast' or 'web'");
  }
  const f = o.flavour;
  const methods = ['request', 'redirect', 'body', 'abort', 'parseJson'] as const;
  if (f !== undefined && (f === null || typeof f !== 'object' || methods.some((m) => typeof f[m] !== 'function')
    || typeof f.badPorts?.has !== 'function')) {
    invalidArgument(`${WHERE}.flavour`, f, 'FETCH_FLAVOUR, nodeFetchFlavour(...) or an object with their methods');
  }
}

function bodyErrorMap(flavour: FetchFlavour, signal: AbortSignal | null | undefined, url: string) {
  return (err: unknown, how: 'whole' | 'stream'): unknown => {
    if (signal?.aborted) return flavour.abort(signal);
    if (err instanceof Error && err.name === 'AbortError') return err;
    return flavour.body(err, url, how);
  };
}

/**
 * A fetch-compatible function over `Pool.request` on a shared per-origin dispatcher. It skips the
 * WHATWG Request/Response/stream machinery, which is where fetch spends its CPU (or, with
 * `response: 'web'`, keeps only the Response and its stream), and follows redirects itself.
 */
export function createPooledFetch(options: PooledFetchOptions): FetchLike {
  checkOptions(options);
  const { registry, fallback, onRequest, lineChunks } = options;
  const flavour = options.flavour ?? flavourOf(fallback);
  const web = options.response === 'web';

  type Signal = AbortSignal | null | undefined;

  function settle(res: Dispatcher.ResponseData, hop: Hop, count: number, signal: Signal): unknown {
    const status = res.statusCode;
    const headers = res.headers as RawHeaders;
    let source: BodySource | null = null;
    if (hop.method === 'HEAD' || hop.method === 'CONNECT' || NULL_BODY.has(status)) {
      res.body.dump().catch(noop);
    } else {
      const decoded = decodeBody(res.body, headers, hop.method, status);
      if (decoded instanceof Error) {
        res.body.destroy();
        throw flavour.request(decoded, hop.target.href);
      }
      const lines = lineChunks?.(header(headers['content-type'])) === true;
      source = new BodySource(decoded, bodyErrorMap(flavour, signal, hop.target.href), lines);
    }
    const parts: ResponseParts = {
      status, statusText: res.statusText ?? '', headers, source, url: hop.target.href, redirected: count > 0,
      flavour,
    };
    return web ? toWebResponse(parts) : new FastResponse(parts);
  }

  /** `unsent`: the fallback for this request, while nothing of it has been sent. */
  function send(
    hop: Hop, count: number, signal: Signal, manual = false, unsent?: () => Promise<unknown>,
  ): Promise<unknown> {
    const { origin, path, href } = hop.target;
    if (flavour.badPorts.size > 0 && flavour.badPorts.has(portOf(origin))) {
      return Promise.reject(flavour.request(new Error('bad port'), href));
    }
    const pool = registry.acquire(origin);
    onRequest?.(origin);
    return pool
      .request({
        path, method: hop.method as Dispatcher.HttpMethod, headers: hop.headers, body: hop.body ?? undefined,
        signal: signal ?? undefined,
      })
      .then(
        (res) => {
          const location = REDIRECT_STATUSES.has(res.statusCode) ? header(res.headers.location) : undefined;
          // redirect: 'manual' gives the 3xx itself, as Node's fetch does (no opaque redirect server-side).
          if (location === undefined || manual) return settle(res, hop, count, signal);
          // Drained, not destroyed: the socket stays in the pool for the next hop.
          res.body.dump().catch(noop);
          const next = nextHop(hop, res.statusCode, location, count);
          if ('failure' in next) throw flavour.redirect(next.failure, href, location, next.cause);
          return send(next, count + 1, signal);
        },
        (err: unknown) => {
          if (signal?.aborted) throw flavour.abort(signal);
          // undici refused the request before a byte went out (a header value with a control character or
          // one above U+00FF, say): the replaced fetch decides, in its own words, as it would without us.
          const code = (err as { code?: unknown } | null)?.code;
          if (count === 0 && unsent !== undefined && code === 'UND_ERR_INVALID_ARG') return unsent();
          throw flavour.request(err, href);
        },
      );
  }

  return function pooledFetch(input: unknown, init?: InitLike): Promise<unknown> {
    let raw: string;
    if (typeof input === 'string') raw = input;
    else if (input instanceof URL) raw = input.href;
    else return fallback(input, init);

    const body = init?.body;
    const redirect = init?.redirect;
    if (!isFastBody(body) || (redirect !== undefined && redirect !== 'follow' && redirect !== 'manual')) return fallback(input, init);
    const target = splitUrl(raw);
    if (target === undefined) return fallback(input, init);

    const signal = init?.signal;
    if (signal?.aborted) return Promise.reject(flavour.abort(signal));
    const method = typeof init?.method === 'string' ? init.method.toUpperCase() : 'GET';
    const hop: Hop = { target, method, headers: toHeaderObject(init?.headers), body };
    return send(hop, 0, signal, redirect === 'manual', () => fallback(input, init));
  };
}
