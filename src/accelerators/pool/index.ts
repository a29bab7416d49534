export { DispatcherRegistry, POOL_DEFAULTS, POOL_RANGES, checkPoolOptions } from './dispatchers';
export type { PoolOptions, OriginStats } from './dispatchers';
export { createPooledFetch } from './fetch';
export type { FetchLike, PooledFetchOptions } from './fetch';
export { FETCH_FLAVOUR, flavourOf, nodeFetchFlavour } from './fetch-flavour';
export type { AbortErrorClass, BodyReadKind, FetchErrorClass, FetchFlavour, RedirectFailure } from './fetch-flavour';
export { FastResponse, FastHeaders, FastBody } from './response';
export { SseDecoder } from './sse';
export type { SseMessage } from './sse';
