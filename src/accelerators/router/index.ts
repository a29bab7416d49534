// Public surface of the router accelerator (pure: knows nothing about litellm).
export { RouterCore, type RouterCoreOptions, type RouterStats } from './router';
export type { RouterObserver } from './observer';
export { CallerAbort, type CallFn } from './attempt';
export { parseRouterConfig, checkModelList, checkRouterSettings, resolveEnv, type RawSections,
  type ParseOptions } from './config';
export { Problems } from './config-values';
export { deploymentId, pyFloat, pyJsonDumps, pyStr } from './deployment-id';
export { DeploymentTable, toDeployment, type Target } from './deployments';
export { NoDeploymentsAvailableError, ContextWindowExceededError, DeploymentTimeoutError, classify, retryAfterOf,
  type ErrorInfo, type ErrorKind } from './errors';
export { cooldownApplies, cooldownRequired, cooldownSeconds, shouldCooldown, countsAllowedFails } from './cooldown';
export { policyRetries, retryDelay, shouldRetry } from './retry';
export { chainFor, fallbacksAfter } from './fallback';
export { GroupRuntime } from './group';
export { MemoryState, type RouterState, type Reservation, type Release } from './state';
export { RedisState, type RedisStateOptions } from './redis-state';
export { maskedEntry, maskedParams, safeBase, splitControls, hiddenParams, type HiddenParams } from './request';
export { ROUTER_DEFAULTS, STRATEGY_ARGS_DEFAULTS, defaultSettings } from './defaults';
export { STRATEGIES, type Deployment, type DeploymentConfig, type RouterConfig, type RouterSettings, type StrategyName,
  type RetryPolicy, type AllowedFailsPolicy, type FallbackList } from './types';
