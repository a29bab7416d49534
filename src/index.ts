// Public API. Re-exports only, and the modules the patch tables load lazily, handed to them.
import './shims/provided';
export { applyAcceleration, removeAcceleration, getPatchStatus, healthCheck, type AccelerationOptions, type PatchStatus, type Health } from './api';
export { getFeatureStatus, isEnabled, resetErrors, withRequestId } from './shims/features';
export { getPerformanceStats, getRecommendations, exportPerformanceData, resetPerformanceStats, type Recommendation } from './stats/report';
export { ConfigError, loadConfig, type Config, type FeatureName, type FeatureMode } from './config';
export { markInternal } from './shims/guard';
export type { RowStatus } from './shims/types';
export { countTokens, tokenCounter, countTokensBatch, countTokensAsync, encodingForModel, getTokenCacheStats, clearTokenCache, closeTokenPool, type CountOptions, type TokenCounterOptions } from './accelerators/tokens';
export { RateLimiter, MemoryStore, RedisStore, RateLimitError, type RateLimiterOptions, type CheckResult } from './accelerators/ratelimit';
export { getPoolStats } from './shims/pooling';
export { startMockServer, type MockServer, type StartMockServerOptions } from './mock';
export { Router, NoDeploymentsAvailableError, getRouterStats, type RouterOptions, type CallOptions } from './router';
export { completionCost, configureMetrics, createMetricsHandler, startMetricsServer, registerModelPrices, priceTableInfo, PRICE_TABLE_DATE, type CompletionCostOptions, type MetricsServer, type ModelPrice } from './telemetry';
