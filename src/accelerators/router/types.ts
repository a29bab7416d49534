// The router's shapes. Deployments keep LiteLLM's own field names (model_name, litellm_params,
// model_info) so a model_list copies between a LiteLLM proxy config.yaml and Node unchanged.

export const STRATEGIES = [
  'simple-shuffle', 'least-busy', 'usage-based-routing-v2', 'latency-based-routing', 'cost-based-routing',
] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** One entry of a model_list, as LiteLLM takes it. */
export interface DeploymentConfig {
  model_name: string;
  litellm_params: Record<string, unknown> & { model: string };
  model_info?: Record<string, unknown>;
  rpm?: number;
  tpm?: number;
}

/** A deployment as the router holds it (read-only to callers). */
export interface Deployment {
  readonly id: string;
  readonly modelName: string;
  /** litellm_params.model. */
  readonly model: string;
  /** As configured, os.environ/ references resolved (holds the API key: never logged or returned). */
  readonly litellmParams: Readonly<Record<string, unknown>>;
  readonly modelInfo: Readonly<Record<string, unknown>>;
  /** Limits: the deployment's rpm/tpm, else litellm_params', else model_info's (LiteLLM's order). */
  readonly rpm?: number;
  readonly tpm?: number;
  /** simple-shuffle's weights: litellm_params' rpm/tpm, the top-level ones hoisted into them. */
  readonly shuffleRpm?: number;
  readonly shuffleTpm?: number;
  readonly weight?: number;
  readonly order?: number;
  readonly maxParallelRequests?: number;
  /** Seconds. */
  readonly timeout?: number;
  readonly streamTimeout?: number;
  readonly cooldownTime?: number;
  readonly inputCostPerToken?: number;
  readonly outputCostPerToken?: number;
  readonly maxInputTokens?: number;
  /** Per-deployment num_retries (LiteLLM stamps it on the error). */
  readonly numRetries?: number;
  /** Added for a `provider/*` model_name: never cooled down (LiteLLM's provider_default_deployment_ids). */
  readonly wildcard: boolean;
}

export type FallbackList = Record<string, string[]>[];

/** Retries per error kind (LiteLLM's RetryPolicy fields). */
export interface RetryPolicy {
  AuthenticationErrorRetries?: number;
  TimeoutErrorRetries?: number;
  RateLimitErrorRetries?: number;
  ContentPolicyViolationErrorRetries?: number;
  InternalServerErrorRetries?: number;
  BadRequestErrorRetries?: number;
  NotFoundErrorRetries?: number;
  DefaultRetries?: number;
}

/** Allowed fails per error kind before a cooldown (LiteLLM's AllowedFailsPolicy fields). */
export interface AllowedFailsPolicy {
  BadRequestErrorAllowedFails?: number;
  AuthenticationErrorAllowedFails?: number;
  TimeoutErrorAllowedFails?: number;
  RateLimitErrorAllowedFails?: number;
  ContentPolicyViolationErrorAllowedFails?: number;
  InternalServerErrorAllowedFails?: number;
  ServiceUnavailableErrorAllowedFails?: number;
  BadGatewayErrorAllowedFails?: number;
  NotFoundErrorAllowedFails?: number;
}

export interface RoutingStrategyArgs {
  /** latency-based-routing: seconds a latency sample counts (LiteLLM's ttl, 1 h). */
  ttl: number;
  /** latency-based-routing: deployments within (1 + buffer) x the lowest latency share the traffic. */
  lowest_latency_buffer: number;
  /** latency-based-routing: samples kept per deployment. */
  max_latency_list_size: number;
}

/** Validated router settings (router_settings, in LiteLLM's names). */
export interface RouterSettings {
  routing_strategy: StrategyName;
  routing_strategy_args: RoutingStrategyArgs;
  num_retries: number;
  /** Seconds; undefined: none. */
  timeout?: number;
  stream_timeout?: number;
  fallbacks: FallbackList;
  context_window_fallbacks: FallbackList;
  content_policy_fallbacks: FallbackList;
  max_fallbacks: number;
  allowed_fails?: number;
  allowed_fails_policy?: AllowedFailsPolicy;
  /** Seconds. */
  cooldown_time: number;
  disable_cooldowns: boolean;
  /** Seconds: the least a retry waits when it waits at all. */
  retry_after: number;
  retry_policy?: RetryPolicy;
  model_group_retry_policy: Record<string, RetryPolicy>;
  model_group_alias: Record<string, { model: string; hidden: boolean }>;
  enable_pre_call_checks: boolean;
  default_max_parallel_requests?: number;
  redis_url?: string;
}

export interface RouterConfig {
  modelList: DeploymentConfig[];
  settings: RouterSettings;
}
