import type { FetchLike } from '../accelerators/pool';
import { type AnyFn, guard } from './guard';
import { isActive } from './loader';
import { pooled } from './pooling';

// The default fetch of openai 5-7 clients: `getDefaultFetch()` returns the global fetch, which every
// client built without its own `fetch` keeps. Ours returns a pooled fetch instead while the global is
// still the native one; that fetch hands the SDK a real Response (asResponse(), withResponse(),
// binary endpoints) and leaves to the native fetch every request it was not checked for.

// The global fetch as the process had it when this module loaded: only that one is ever swapped.
const nativeFetch: FetchLike | undefined = typeof globalThis.fetch === 'function' ? globalThis.fetch : undefined;

// The keys the SDK itself puts in a request (fetchWithTimeout); any other key came from the app's
// `fetchOptions` (a dispatcher, redirect, cache, keepalive...) and the native fetch serves it.
const SDK_KEYS = new Set(['method', 'headers', 'body', 'signal', 'duplex']);

const ours = new WeakSet<object>();

/** Whether `f` is the pooled default fetch of an openai 5-7 client. */
export function isSdkDefaultFetch(f: unknown): boolean {
  return typeof f === 'function' && ours.has(f);
}

function onlySdkKeys(init: unknown): boolean {
  if (init == null) return true;
  if (typeof init !== 'object') return false;
  for (const k in init) {
    if (SDK_KEYS.has(k)) continue;
    // AzureOpenAI sends redirect: 'manual' itself; the pooled path gives the 3xx as Node's fetch does.
    const v = (init as Record<string, unknown>)[k];
    if (k === 'redirect' && (v === 'manual' || v === 'follow')) continue;
    return false;
  }
  return true;
}

/** `value` for openai 5-7's `internal/shims` `getDefaultFetch`. */
export function sdkDefaultFetch(rowId: string) {
  return (original: unknown): unknown => {
    if (typeof original !== 'function' || nativeFetch === undefined) return original;
    const native = nativeFetch;
    const fast = pooled(native, { response: 'web' });
    const accelerated: FetchLike = function fetch(input, init) {
      // A client built while the acceleration was on keeps this fetch: after removeAcceleration()
      // it is the native one again.
      if (!isActive() || !onlySdkKeys(init)) return native(input, init);
      return fast(input, init);
    };
    const fetch = guard({ component: rowId, feature: 'connection_pooling', original: native, accelerated, async: true, sideEffects: true });
    ours.add(fetch);
    return function getDefaultFetch(this: unknown): unknown {
      const f = (original as AnyFn).apply(this, arguments as unknown as unknown[]);
      // An app (or test library) that installed its own global fetch keeps it.
      return f === native && isActive() ? fetch : f;
    };
  };
}
