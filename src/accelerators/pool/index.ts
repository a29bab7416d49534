export { DispatcherRegistry, POOL_DEFAULTS, checkPoolOptions } from './dispatchers';
export type { PoolOptions, OriginStats } from './dispatchers';
export { createPooledFetch } from './fetch';
export type { FetchLike, PooledFetchOptions } from './fetch';
export { FastResponse, FastHeaders, FastBody, fetchBodyError } from './response';
export type { BodyErrorMapper } from './response';
export { ClientCache, clientKey } from './client-cache';
export { NdjsonDecoder } from './ndjson';
