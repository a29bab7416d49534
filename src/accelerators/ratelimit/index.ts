export { RateLimiter, type RateLimiterOptions, type CheckOptions, type AcquireOptions, type Lease } from './limiter';
export { MemoryStore, type MemoryStoreOptions } from './memory-store';
export { RedisStore, type RedisStoreOptions } from './redis-store';
export { RateLimitError, rateLimitHeaders, RATE_LIMITED } from './errors';
export type { RateLimitStore } from './store';
export type { Algorithm, CheckResult, LimitSpec, LimitType, LimiterOptions } from './options';
