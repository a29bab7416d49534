import { getConfig } from '../config';
import { DispatcherRegistry, createPooledFetch, type FetchLike, type OriginStats } from '../accelerators/pool';
import { isEnabled } from './features';
import { guard } from './guard';
import { isActive } from './loader';

// The process-wide pooled transport the shims share: one dispatcher registry (one undici Pool per
// origin) and fetch-compatible functions over it, each falling back to the fetch it stands in for.

let registry: DispatcherRegistry | undefined;
const pooledFns = new WeakSet<FetchLike>();

function getRegistry(): DispatcherRegistry {
  if (registry === undefined) {
    const c = getConfig().pool;
    registry = new DispatcherRegistry({ connections: c.maxConnections, keepAliveTimeout: c.keepAliveTimeoutMs });
  }
  return registry;
}

interface PooledOptions {
  /** NDJSON bodies arrive cut at line ends (litellm's readers parse each network chunk on its own). */
  lineChunks?: boolean;
  /** 'web': a real global Response (openai 5-7 hand it to the app: asResponse(), withResponse()). */
  response?: 'fast' | 'web';
}

// undici loads when the first pooled fetch is made (as the SDK or a litellm handler file loads), not
// on a request: measured, loading it in the background put its load time into the first requests
// in flight (before/after chat p99 above plain), and loading it on first use put it into the first.
let transportReady: boolean | undefined;

function transportLoaded(): boolean {
  if (transportReady === undefined) {
    try {
      require('undici');
      transportReady = true;
    } catch {
      // Without undici nothing is pooled: every request keeps the fetch it stands in for.
      transportReady = false;
    }
  }
  return transportReady;
}

/** A pooled fetch over the shared registry that hands what it does not cover to `fallback`. */
export function pooled(fallback: FetchLike, options: PooledOptions = {}): FetchLike {
  const lineChunks = options.lineChunks ? (type: string | undefined) => isNdjson(type) && isEnabled('streaming') : undefined;
  const opts = {
    // Errors take the shapes of `fallback` (node-fetch 2's FetchError for the SDKs, fetch's otherwise).
    registry: getRegistry(), fallback, ...(lineChunks ? { lineChunks } : {}),
    ...(options.response ? { response: options.response } : {}),
  };
  const fast = createPooledFetch(opts as Parameters<typeof createPooledFetch>[0]);
  const f: FetchLike = transportLoaded() ? fast : (input, init) => fallback(input, init);
  pooledFns.add(f);
  return f;
}

const isNdjson = (type: string | undefined): boolean => type !== undefined && /ndjson|jsonl/i.test(type);

export function isPooledFetch(f: unknown): boolean {
  return typeof f === 'function' && pooledFns.has(f as FetchLike);
}

export function poolingOn(): boolean {
  return isActive() && isEnabled('connection_pooling');
}

/**
 * `value` for the `fetch` of an SDK's `_shims/registry.js` (openai 4, @anthropic-ai/sdk 0.6): the
 * default fetch of every client built without its own `fetch`. Requests that carry an agent other
 * than the SDK's own default one (an app's proxy agent, say) go to node-fetch as before.
 */
export function sdkFetch(rowId: string) {
  return (original: unknown, registryExports: Record<string, unknown>): unknown => {
    if (typeof original !== 'function') return original;
    const nodeFetch = original as FetchLike;
    const defaultAgent = registryExports.getDefaultAgent as ((url: string) => unknown) | undefined;
    const fast = pooled(nodeFetch);
    const accelerated = function fetch(url: unknown, init?: { agent?: unknown }): Promise<unknown> {
      const agent = init?.agent;
      // A client built while the acceleration was on keeps this fetch: after removeAcceleration()
      // it is node-fetch again.
      if (!isActive()) return nodeFetch(url, init);
      if (agent !== undefined && (typeof defaultAgent !== 'function' || agent !== defaultAgent(String(url)))) return nodeFetch(url, init);
      return fast(url, init);
    };
    const fetch = guard({ component: rowId, feature: 'connection_pooling', original: nodeFetch, accelerated, async: true, sideEffects: true });
    pooledFns.add(fetch);
    return fetch;
  };
}

// The global fetch as the process had it when this module loaded: only that one is swapped. An app
// (or a test library) that installed its own global fetch keeps it, call by call.
const nativeFetch: FetchLike | undefined = typeof globalThis.fetch === 'function' ? globalThis.fetch : undefined;
let pooledGlobal: FetchLike | undefined;

/**
 * `binding` for a file that calls the global `fetch` (litellm's Ollama, Mistral, DeepInfra and AI21
 * handlers): the pooled fetch while pooling is on and the global is still the native one; the
 * global fetch of the moment otherwise.
 */
export function globalFetchBinding(rowId: string) {
  return (): FetchLike => {
    const current: FetchLike = (input, init) => (globalThis.fetch as FetchLike)(input, init);
    const accelerated: FetchLike = (input, init) => {
      if (nativeFetch === undefined || globalThis.fetch !== nativeFetch || !isActive()) return current(input, init);
      pooledGlobal ??= pooled(nativeFetch, { lineChunks: true });
      return pooledGlobal(input, init);
    };
    const fetch = guard({ component: rowId, feature: 'connection_pooling', original: current, accelerated, async: true, sideEffects: true });
    Object.defineProperty(fetch, 'name', { value: 'fetch' });
    pooledFns.add(fetch);
    return fetch;
  };
}

/** Open/idle sockets, requests and reuse ratio per origin of the shared pools. */
export function getPoolStats(): OriginStats[] {
  return registry === undefined ? [] : registry.stats();
}

// removeAcceleration() does not wait for streams the app still reads (or abandoned and has not
// collected): idle sockets close at once, busy ones after their response.
const CLOSE_WAIT_MS = 250;

/** Closes every pooled socket (removeAcceleration() calls this). */
export async function closePools(): Promise<void> {
  const closing = registry?.close();
  if (closing === undefined) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closing, new Promise<void>((r) => (timer = setTimeout(r, CLOSE_WAIT_MS).unref()))]);
  clearTimeout(timer);
}
