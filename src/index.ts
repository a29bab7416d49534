// Public API. Re-exports only.
export { applyAcceleration, removeAcceleration, getPatchStatus, healthCheck, type AccelerationOptions, type PatchStatus, type Health } from './api';
export { getFeatureStatus, isEnabled, resetErrors, withRequestId } from './shims/features';
export { getPerformanceStats, getRecommendations, exportPerformanceData, resetPerformanceStats, type Recommendation } from './stats/report';
export { ConfigError, loadConfig, type Config, type FeatureName, type FeatureMode } from './config';
export { markInternal } from './shims/guard';
export type { RowStatus } from './shims/types';
