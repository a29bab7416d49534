import { getConfig } from '../config';
import { type BodyErrorMapper, ClientCache, DispatcherRegistry, createPooledFetch, type FetchLike, type OriginStats } from '../accelerators/pool';
import { isEnabled } from './features';
import { isActive } from './loader';

// The process-wide pooled transport the shims share: one dispatcher registry (one undici Pool per
// origin), fetch-compatible functions over it, and the SDK-client cache used by litellm's handlers.

let registry: DispatcherRegistry | undefined;
const pooledByFallback = new WeakMap<FetchLike, FetchLike>();
const pooledFns = new WeakSet<FetchLike>();
/** Clients of litellm's handlers, keyed by provider + base URL + sha256(API key). */
export const clients = new ClientCache<any>(256);

function getRegistry(): DispatcherRegistry {
  if (registry === undefined) {
    const c = getConfig().pool;
    registry = new DispatcherRegistry({ connections: c.maxConnections, keepAliveTimeout: c.keepAliveTimeoutMs });
  }
  return registry;
}

/** A pooled fetch that hands what it does not cover (Request objects, streamed bodies) to `fallback`. */
export function pooledFetchFor(fallback: FetchLike): FetchLike {
  if (pooledFns.has(fallback)) return fallback;
  let f = pooledByFallback.get(fallback);
  if (f === undefined) {
    f = createPooledFetch({ registry: getRegistry(), fallback, bodyError: bodyErrorLike(fallback) });
    pooledByFallback.set(fallback, f);
    pooledFns.add(f);
  }
  return f;
}

/**
 * node-fetch (the SDKs' default in Node) reports a body cut mid-way as its own FetchError; keep
 * that for the SDK clients, fetch's TypeError('terminated') for global-fetch users.
 */
function bodyErrorLike(fallback: FetchLike): BodyErrorMapper | undefined {
  const FetchError = (fallback as unknown as { FetchError?: new (m: string, t: string, e?: unknown) => Error }).FetchError;
  if (typeof FetchError !== 'function') return undefined;
  return (cause, url) => new FetchError(`Invalid response body while trying to fetch ${url}: Premature close`, 'system', cause);
}

export function isPooledFetch(f: unknown): boolean {
  return typeof f === 'function' && pooledFns.has(f as FetchLike);
}

export function poolingOn(): boolean {
  return isActive() && isEnabled('connection_pooling');
}

// The fetch the app had when this module loaded: only that one is swapped. An app (or a test
// library) that installed its own global fetch keeps it untouched.
const nativeFetch: FetchLike | undefined = typeof globalThis.fetch === 'function' ? globalThis.fetch : undefined;

/**
 * Runs `original` with the pooled fetch as the global `fetch` for its synchronous part only.
 * litellm's Ollama, Mistral and DeepInfra handlers call `fetch(...)` synchronously before their
 * first await, so their own code runs unchanged over the pooled transport; nothing else can run
 * in between on this thread.
 */
export function withPooledGlobalFetch<F extends (...args: any[]) => any>(original: F): F {
  return function (this: unknown, ...args: unknown[]) {
    const g = globalThis as { fetch: unknown };
    const prev = g.fetch;
    if (nativeFetch === undefined || prev !== nativeFetch) return original.apply(this, args);
    g.fetch = pooledFetchFor(nativeFetch);
    try {
      return original.apply(this, args);
    } finally {
      g.fetch = prev;
    }
  } as F;
}

/** The global fetch a replacement handler should use now: pooled when the feature is on. */
export function currentFetch(): FetchLike {
  const g = globalThis.fetch as FetchLike;
  return poolingOn() && g === nativeFetch ? pooledFetchFor(g) : g;
}

/**
 * A subclass of an SDK client class (openai's APIClient or OpenAI) that swaps the client's default
 * fetch for the pooled one when the app passed neither `fetch` nor `httpAgent`. Decided per
 * construction, so flags and removeAcceleration() act on the next client.
 */
export function pooledClientClass<C extends new (...args: any[]) => any>(Base: C): C {
  const Pooled = class extends Base {
    constructor(...args: any[]) {
      super(...args);
      const opts = args[0] as { fetch?: unknown; httpAgent?: unknown } | undefined;
      if (opts?.fetch !== undefined || opts?.httpAgent !== undefined) return;
      const self = this as { fetch?: unknown };
      if (typeof self.fetch !== 'function' || isPooledFetch(self.fetch) || !poolingOn()) return;
      self.fetch = pooledFetchFor(self.fetch as FetchLike);
    }
  };
  Object.defineProperty(Pooled, 'name', { value: Base.name });
  return Pooled;
}

/** Open/idle sockets, requests and reuse ratio per origin of the shared pools. */
export function getPoolStats(): OriginStats[] {
  return registry === undefined ? [] : registry.stats();
}

/** Closes every pooled socket and forgets cached clients (removeAcceleration() calls this). */
export async function closePools(): Promise<void> {
  clients.clear();
  await registry?.close();
}
