// The shape of the parsed configuration. The settings table (settings.ts) fills it; every path a
// row names is type-checked against these interfaces.

export const FEATURES = [
  'token_counting', 'rate_limiting', 'connection_pooling', 'streaming', 'handler_lookup', 'lazy_loading', 'router',
  'telemetry',
] as const;
export type FeatureName = (typeof FEATURES)[number];

export type FeatureMode =
  | { mode: 'on' }
  | { mode: 'off' }
  | { mode: 'shadow' }
  | { mode: 'rollout'; percent: number };

/** The environment variable that sets each feature's mode. */
export const FEATURE_ENV: Readonly<Record<FeatureName, string>> = Object.freeze({
  token_counting: 'FAST_LITELLM_TOKEN_COUNTING',
  rate_limiting: 'FAST_LITELLM_RATE_LIMITING',
  connection_pooling: 'FAST_LITELLM_CONNECTION_POOLING',
  streaming: 'FAST_LITELLM_STREAMING',
  handler_lookup: 'FAST_LITELLM_HANDLER_LOOKUP',
  lazy_loading: 'FAST_LITELLM_LAZY_LOADING',
  router: 'FAST_LITELLM_ROUTER',
  telemetry: 'FAST_LITELLM_TELEMETRY',
});

export interface ModelLimits {
  rpm?: number;
  tpm?: number;
  maxParallel?: number;
}

export interface RateLimitConfig extends ModelLimits {
  redisUrl?: string;
  algorithm: 'sliding-window' | 'token-bucket';
  onLimit: 'error' | 'wait';
  maxWaitMs: number;
  failMode: 'open' | 'closed';
  redisTimeoutMs: number;
  keyPrefix: string;
  keyLayout: 'fast-litellm' | 'litellm-proxy';
  /** Limits per model name (exact match). A null-prototype object: any name is an own key. */
  models: Record<string, ModelLimits>;
  /** Limits per API key, keyed by the sha256 hex of the key (never the key itself). Null-prototype. */
  apiKeys: Record<string, ModelLimits>;
}

/**
 * Sections of a LiteLLM proxy config.yaml, kept as given (not validated here) so one file can serve
 * the proxy and this package; their consumers validate them.
 */
export interface LitellmSections {
  model_list?: unknown;
  router_settings?: unknown;
  litellm_settings?: unknown;
  general_settings?: unknown;
  environment_variables?: unknown;
  include?: unknown;
  credential_list?: unknown;
  guardrails?: unknown;
  mcp_servers?: unknown;
  callback_settings?: unknown;
}

export interface TelemetryConfig {
  otel: boolean;
  metrics: boolean;
  captureContent: boolean;
  apiKeyLabel: boolean;
  maxLabelValues: number;
  /** A price table in LiteLLM's model_prices_and_context_window.json format, resolved. */
  priceFile?: string;
  /** Serve /metrics on this port (0: a free one); unset: no server. */
  metricsPort?: number;
  metricsHost: string;
}

export interface Config {
  disabled: boolean;
  features: Record<FeatureName, FeatureMode>;
  errorThreshold: number;
  logLevel: 'silent' | 'warn' | 'info' | 'debug';
  /** Register the ESM load hook (openai's ESM build): auto = only when entered through --import. */
  esmHook: 'auto' | 'on' | 'off';
  tokens: { cacheBytes: number; workers: number; workerThreshold: number };
  pool: { maxConnections: number; keepAliveTimeoutMs: number };
  rateLimit: RateLimitConfig;
  /** The router's own settings (LiteLLM's are router_settings, kept in `litellm`). */
  router: { keyLayout: 'fast-litellm' | 'litellm'; keyPrefix: string };
  litellm: LitellmSections;
  /** OpenTelemetry, Prometheus and cost (feature telemetry). */
  telemetry: TelemetryConfig;
  /** Where the settings came from, for status output. */
  source: {
    /** The config file, resolved (FAST_LITELLM_CONFIG). */
    file?: string;
    format?: 'json' | 'yaml';
    /** Each setting given explicitly, by Config path, and where it was given. */
    set: Record<string, Origin>;
  };
}

export type Origin = 'file' | 'env' | 'options';
