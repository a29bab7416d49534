import type { RouterSettings, RoutingStrategyArgs } from './types';

// LiteLLM's defaults, in one place (litellm/constants.py, router.py).

export const ROUTER_DEFAULTS = Object.freeze({
  /** openai.DEFAULT_MAX_RETRIES, LiteLLM's last resort for Router.num_retries. */
  numRetries: 2,
  /** ROUTER_MAX_FALLBACKS. */
  maxFallbacks: 5,
  /** DEFAULT_COOLDOWN_TIME_SECONDS. */
  cooldownTime: 5,
  /** litellm.allowed_fails: a router allowed_fails equal to it counts as unset (LiteLLM does so). */
  allowedFails: 3,
  /** DEFAULT_FAILURE_THRESHOLD_PERCENT: a strict '>' over the minute's calls. */
  failureThresholdPercent: 0.5,
  /** DEFAULT_FAILURE_THRESHOLD_MINIMUM_REQUESTS. */
  failureThresholdMinimumRequests: 5,
  /** SINGLE_DEPLOYMENT_TRAFFIC_FAILURE_THRESHOLD: all of at least this many calls failed. */
  singleDeploymentTrafficFailureThreshold: 1000,
  /** INITIAL_RETRY_DELAY, MAX_RETRY_DELAY, JITTER (seconds). */
  initialRetryDelay: 0.5,
  maxRetryDelay: 8,
  jitter: 0.75,
  /** A Retry-After up to this many seconds is honoured as the retry wait. */
  maxRetryAfter: 60,
  /** Seconds a penalty sample counts as the latency of a deployment that timed out. */
  timeoutPenalty: 1000,
  /** Window of the per-deployment success and failure counts behind cooldowns (seconds). */
  failureWindow: 60,
  /** Window of usage-based routing's rpm and tpm (LiteLLM: the calendar minute, UTC). */
  usageWindowMs: 60_000,
});

export const STRATEGY_ARGS_DEFAULTS: Readonly<RoutingStrategyArgs> = Object.freeze({
  ttl: 3600,
  lowest_latency_buffer: 0,
  max_latency_list_size: 10,
});

export function defaultSettings(): RouterSettings {
  return {
    routing_strategy: 'simple-shuffle',
    routing_strategy_args: { ...STRATEGY_ARGS_DEFAULTS },
    num_retries: ROUTER_DEFAULTS.numRetries,
    fallbacks: [],
    context_window_fallbacks: [],
    content_policy_fallbacks: [],
    max_fallbacks: ROUTER_DEFAULTS.maxFallbacks,
    cooldown_time: ROUTER_DEFAULTS.cooldownTime,
    disable_cooldowns: false,
    retry_after: 0,
    model_group_retry_policy: {},
    model_group_alias: {},
    enable_pre_call_checks: false,
  };
}
