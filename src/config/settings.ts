import { ALGORITHMS, DEFAULTS as LIMITER, LIMIT_RANGES, defaultKeyPrefix } from '../accelerators/ratelimit/options';
import { POOL_DEFAULTS, POOL_RANGES } from '../accelerators/pool/dispatchers';
import { TOKEN_CACHE_DEFAULTS } from '../accelerators/tokens/memo';
// The router's checks of its sections: settings validators, like ratelimit/options (no router code).
import * as routerConfig from '../accelerators/router/config';
import { resolve } from 'node:path';
import { ConfigError, invalidMessage } from '../errors';
import { readPriceFile } from './price-file';
import {
  MAX_TIMER_MS, bool, bytesText, featureMode, filePath, int, kept, limitsByName, oneOf, redisUrl, text,
  type Parser,
} from './parsers';
import { FEATURES, FEATURE_ENV, type Config, type FeatureMode, type FeatureName, type LitellmSections } from './types';

// The settings table: one row per setting. It drives the environment, the config file (JSON or YAML),
// applyAcceleration() options, the ESM entry and the README table (scripts/settings-table.mjs).
// A new setting is a new row (and its field in types.ts); nothing else changes.

export type SectionName = 'general' | 'features' | 'tokens' | 'pool' | 'rateLimit' | 'router' | 'telemetry' | 'litellm';

/** README headings, in the order the README shows them, each with an optional sentence under it. */
export const SECTIONS: Readonly<Record<SectionName, { title: string; note?: string }>> = Object.freeze({
  general: { title: 'General' },
  features: { title: 'Features', note: 'Each feature: `on`, `off`, `shadow` or `rollout:N`, as described above.' },
  tokens: { title: 'Token counting' },
  pool: { title: 'Connection pooling' },
  rateLimit: { title: 'Rate limiting' },
  router: { title: 'Router', note: 'The router itself is configured by `model_list` and `router_settings` (below).' },
  telemetry: { title: 'Observability', note: 'OpenTelemetry and Prometheus need their optional peers ' +
    '(`@opentelemetry/api` with an SDK the app registers; `prom-client`); README "Observability".' },
  litellm: {
    title: 'LiteLLM proxy config sections',
    note: 'Accepted in the config file so that one LiteLLM proxy `config.yaml` can serve both; kept as given ' +
      '(in `Config.litellm`). `model_list`, `router_settings`, `litellm_settings`, `environment_variables` and ' +
      '`include` configure the router (README "Router"); the others have no effect.',
  },
});

/** The type of the Config field at a dot-separated path (never: no such field). */
export type ValueAt<P extends string> = P extends `${infer A}.${infer B}`
  ? A extends keyof Config ? B extends keyof Config[A] ? Config[A][B] : never : never
  : P extends keyof Config ? Config[P] : never;

export interface Setting<T = unknown> {
  /** Where the value lands in Config, dot-separated. */
  readonly path: string;
  readonly env?: string;
  /** Key path in the config file and in applyAcceleration() options; default: `path`; null: environment only. */
  readonly key?: string | null;
  readonly parser: Parser<T>;
  /** Value when nothing sets it; absent: unset. */
  readonly default?: T;
  /** The value when nothing sets it, computed from the other settings (after they are all read). */
  readonly derive?: (cfg: Config) => T;
  /** Setting this (to a non-empty value) turns that feature on, unless its mode is set too. */
  readonly enables?: FeatureName;
  readonly help: string;
  readonly section: SectionName;
  /** Said after the default in the README when a rule changes it. */
  readonly defaultNote?: string;
}

/** A row whose path, parser and default are checked against Config. */
function row<P extends string>(s: Setting<ValueAt<P>> & { path: P }): Setting {
  return s as Setting;
}

const FEATURE_HELP: Record<FeatureName, string> = {
  token_counting: "litellm's token counting (`countTokens`, `toUsage`) by the exact fast counter",
  rate_limiting: 'rpm, tpm and parallel limits around `completion()` and `embedding()`',
  connection_pooling: 'pooled HTTP (undici) under the SDK clients litellm builds',
  streaming: 'the streaming fast path (SSE and NDJSON decoding)',
  handler_lookup: "litellm's model-to-handler lookup without a RegExp per call",
  lazy_loading: "litellm's provider SDKs load on first use; `on` or `off`, read when litellm loads",
  router: "LiteLLM's Router in `completion()` and `embedding()` for the model names of the config's `model_list`",
  telemetry: 'OpenTelemetry spans and metrics, Prometheus metrics and cost of litellm calls and openai SDK requests',
};

/** A price file in LiteLLM's format: read and checked when the settings load. */
const priceFile: Parser<string> = {
  accepted: "the path of a JSON file in LiteLLM's model_prices_and_context_window.json format",
  parse(value, where) {
    const path = resolve(text.parse(value, where));
    readPriceFile(path, where);
    return path;
  },
};

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9a-fA-F:.]+)$/;

/** A host name or IP address to listen on. */
const host: Parser<string> = {
  accepted: 'a host name or IP address (127.0.0.1, ::1, 0.0.0.0)',
  parse(value, where) {
    if (typeof value === 'string' && value.length <= 253 && HOST.test(value)) return value;
    throw new ConfigError(invalidMessage(where, value, this.accepted));
  },
};

/** Telemetry is on when OpenTelemetry or Prometheus is. */
function telemetryMode(cfg: Config): FeatureMode {
  return { mode: cfg.telemetry?.otel || cfg.telemetry?.metrics ? 'on' : 'off' };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function apiKeyName(name: string, where: string): string {
  if (!SHA256_HEX.test(name)) {
    // Never echo the name: it may be the key itself.
    throw new ConfigError(`${where}: invalid key (not a sha256 hex digest); accepted: the sha256 hex digest of ` +
      'the API key (64 hex characters), never the key itself');
  }
  return `${name.slice(0, 8)}…`;
}

const LITELLM_HELP: Record<keyof LitellmSections, string> = {
  model_list: 'deployments by `model_name`',
  router_settings: "the Router's settings",
  litellm_settings: 'litellm module settings',
  general_settings: "the proxy server's settings",
  environment_variables: 'variables the proxy sets',
  include: 'other files the proxy merges in',
  credential_list: 'named credentials',
  guardrails: 'guardrails',
  mcp_servers: 'MCP servers',
  callback_settings: 'callback settings',
};

/** The sections the router reads are checked at load, every bad value named (kept as given otherwise). */
const LITELLM_PARSERS: Partial<Record<keyof LitellmSections, Parser<unknown>>> = {
  model_list: {
    accepted: 'a list of { model_name, litellm_params: { model, ... }, model_info? } (LiteLLM proxy format)',
    parse(value, where) {
      const p = new routerConfig.Problems();
      routerConfig.checkModelList(p, value, process.env, {}, where);
      p.throwIfAny();
      return value;
    },
  },
  router_settings: {
    accepted: "LiteLLM Router's settings (routing_strategy, num_retries, fallbacks, ...)",
    parse(value, where) {
      routerConfig.checkRouterSettings(value, where);
      return value;
    },
  },
  litellm_settings: {
    accepted: 'litellm settings (LiteLLM proxy format; num_retries, request_timeout, fallbacks... are checked)',
    parse(value, where) {
      routerConfig.checkLitellmSettings(value, where);
      return value;
    },
  },
  environment_variables: {
    accepted: 'an object of NAME: value (LiteLLM proxy format)',
    parse(value, where) {
      routerConfig.checkEnvironmentVariables(value, where);
      return value;
    },
  },
};

export const SETTINGS: readonly Setting[] = Object.freeze([
  row({
    path: 'source.file', env: 'FAST_LITELLM_CONFIG', key: null, parser: filePath, section: 'general',
    help: 'config file: JSON, or YAML by extension (`.yaml`, `.yml`); the environment wins over it',
  }),
  row({
    path: 'disabled', env: 'FAST_LITELLM_DISABLE', parser: bool, default: false, section: 'general',
    help: 'turns every feature off',
  }),
  row({
    path: 'errorThreshold', env: 'FAST_LITELLM_ERROR_THRESHOLD', parser: int({ min: 1 }), default: 10,
    section: 'general',
    help: 'errors of the accelerated path before a feature turns itself off',
  }),
  row({
    path: 'logLevel', env: 'FAST_LITELLM_LOG_LEVEL', parser: oneOf(['silent', 'warn', 'info', 'debug']),
    default: 'warn', section: 'general', help: 'what fast-litellm writes to stderr',
  }),
  row({
    path: 'esmHook', env: 'FAST_LITELLM_ESM_HOOK', parser: oneOf(['auto', 'on', 'off']), default: 'auto',
    section: 'general',
    help: 'patch the openai SDK\'s ESM build too (a module load hook); `auto`: with `--import` on Node 22.15+ (in-thread hooks); Node 20 only with `on`',
  }),
  ...FEATURES.map((f) => row({
    path: `features.${f}`, env: FEATURE_ENV[f], parser: featureMode, section: 'features', help: FEATURE_HELP[f],
    // Rate limiting only makes sense once limits exist, routing once deployments do: those rows turn them on.
    default: { mode: f === 'rate_limiting' || f === 'router' || f === 'telemetry' ? 'off' : 'on' },
    defaultNote: f === 'rate_limiting' ? 'on when any limit is set'
      : f === 'router' ? 'on when a `model_list` is set'
          : f === 'telemetry' ? 'on when FAST_LITELLM_OTEL or FAST_LITELLM_METRICS is on' : undefined,
    ...(f === 'telemetry' ? { derive: telemetryMode } : {}),
  })),
  row({
    path: 'tokens.cacheBytes', env: 'FAST_LITELLM_TOKEN_CACHE_BYTES', parser: int({ min: 0 }, bytesText),
    default: TOKEN_CACHE_DEFAULTS.maxBytes, section: 'tokens', help: 'budget of the token-count memo; 0 disables it',
  }),
  row({
    path: 'tokens.workers', env: 'FAST_LITELLM_TOKEN_WORKERS', parser: int({ min: 0, max: 64 }), default: 0,
    section: 'tokens', help: 'worker threads for large counts; 0: chosen from the cores',
  }),
  row({
    path: 'tokens.workerThreshold', parser: int({ min: 0 }), default: 0, section: 'tokens',
    help: 'characters from which a count goes to a worker; 0: the measured default',
  }),
  row({
    path: 'pool.maxConnections', env: 'FAST_LITELLM_MAX_CONNECTIONS', parser: int(POOL_RANGES.connections),
    default: POOL_DEFAULTS.connections, section: 'pool', help: 'sockets per origin; 0: no cap, as fetch has',
  }),
  row({
    path: 'pool.keepAliveTimeoutMs', parser: int({ min: 1, max: MAX_TIMER_MS }),
    default: POOL_DEFAULTS.keepAliveTimeout,
    section: 'pool', help: 'ms an idle pooled socket stays open (unless the server says less)',
  }),
  row({
    path: 'rateLimit.rpm', env: 'FAST_LITELLM_RPM', parser: int(LIMIT_RANGES.rpm), enables: 'rate_limiting',
    section: 'rateLimit', help: 'requests per minute, per model and API key',
  }),
  row({
    path: 'rateLimit.tpm', env: 'FAST_LITELLM_TPM', parser: int(LIMIT_RANGES.tpm), enables: 'rate_limiting',
    section: 'rateLimit', help: 'tokens per minute, per model and API key',
  }),
  row({
    path: 'rateLimit.maxParallel', env: 'FAST_LITELLM_MAX_PARALLEL', parser: int(LIMIT_RANGES.maxParallel),
    enables: 'rate_limiting', section: 'rateLimit', help: 'calls in flight, per model and API key',
  }),
  row({
    path: 'rateLimit.models', parser: limitsByName(LIMIT_RANGES, 'model names'), default: Object.create(null),
    enables: 'rate_limiting', section: 'rateLimit', help: 'limits per model name, any API key',
  }),
  row({
    path: 'rateLimit.apiKeys', parser: limitsByName(LIMIT_RANGES, 'sha256 hex digests of API keys', apiKeyName),
    default: Object.create(null), enables: 'rate_limiting', section: 'rateLimit',
    help: 'limits per API key (named by its sha256 hex digest), any model',
  }),
  row({
    path: 'rateLimit.redisUrl', env: 'FAST_LITELLM_REDIS_URL', parser: redisUrl, section: 'rateLimit',
    help: 'share the limits across processes through Redis (else in memory)',
  }),
  row({
    path: 'rateLimit.onLimit', env: 'FAST_LITELLM_ON_LIMIT', parser: oneOf(['error', 'wait']), default: 'error',
    section: 'rateLimit', help: 'over a limit: throw `RateLimitError`, or wait up to `maxWaitMs`',
  }),
  row({
    path: 'rateLimit.maxWaitMs', parser: int(LIMIT_RANGES.maxWaitMs), default: LIMITER.maxWaitMs, section: 'rateLimit',
    help: 'longest wait in ms with `onLimit` `wait`',
  }),
  row({
    path: 'rateLimit.algorithm', env: 'FAST_LITELLM_RATE_LIMIT_ALGORITHM', parser: oneOf(ALGORITHMS),
    default: LIMITER.algorithm, section: 'rateLimit', help: 'how a window is counted',
  }),
  row({
    path: 'rateLimit.failMode', env: 'FAST_LITELLM_RATE_LIMIT_FAIL_MODE', parser: oneOf(['open', 'closed']),
    default: LIMITER.failMode, section: 'rateLimit', help: 'Redis unreachable: admit (`open`) or deny (`closed`)',
  }),
  row({
    path: 'rateLimit.redisTimeoutMs', parser: int(LIMIT_RANGES.redisTimeoutMs), default: LIMITER.redisTimeoutMs,
    section: 'rateLimit', help: 'ms a Redis command may take before Redis counts as unreachable',
  }),
  row({
    path: 'rateLimit.keyLayout', parser: oneOf(['fast-litellm', 'litellm-proxy']), default: LIMITER.keyLayout,
    section: 'rateLimit', help: "Redis key names: ours, or a LiteLLM proxy's (to share its counters)",
  }),
  row({
    path: 'rateLimit.keyPrefix', parser: text, default: LIMITER.keyPrefix, section: 'rateLimit',
    derive: (cfg) => defaultKeyPrefix(cfg.rateLimit.keyLayout), defaultNote: 'none with `keyLayout` `litellm-proxy`',
    help: 'prefix of every Redis key',
  }),
  row({
    path: 'router.keyLayout', parser: oneOf(['fast-litellm', 'litellm']), default: 'fast-litellm', section: 'router',
    help: "the router's Redis key names: ours, or LiteLLM Router's (`deployment:{id}:cooldown`, rpm/tpm keys) "
      + 'to share them',
  }),
  row({
    path: 'router.keyPrefix', parser: text, default: 'fast-litellm:router:', section: 'router',
    help: "prefix of the router's own Redis keys",
  }),
  row({
    path: 'telemetry.otel', env: 'FAST_LITELLM_OTEL', parser: bool, default: false, section: 'telemetry',
    help: 'a GenAI client span and the GenAI metrics per call, to the OpenTelemetry SDK the app registered',
  }),
  row({
    path: 'telemetry.metrics', env: 'FAST_LITELLM_METRICS', parser: bool, default: false, section: 'telemetry',
    help: "Prometheus metrics with LiteLLM's names in prom-client's registry (or the app's: `configureMetrics`)",
  }),
  row({
    path: 'telemetry.captureContent', env: 'FAST_LITELLM_OTEL_CAPTURE_CONTENT', parser: bool, default: false,
    section: 'telemetry', help: 'put prompts and replies on spans (`gen_ai.input.messages`, `gen_ai.output.messages`)',
  }),
  row({
    path: 'telemetry.apiKeyLabel', env: 'FAST_LITELLM_METRICS_API_KEY_LABEL', parser: bool, default: false,
    section: 'telemetry', help: 'a `hashed_api_key` label (12 hex characters of its sha256) on call metrics',
  }),
  row({
    path: 'telemetry.maxLabelValues', parser: int({ min: 1, max: 100_000 }), default: 200, section: 'telemetry',
    help: 'distinct values kept per label (models, deployments, origins); later ones are `__other__`',
  }),
  row({
    path: 'telemetry.priceFile', env: 'FAST_LITELLM_PRICE_FILE', parser: priceFile, section: 'telemetry',
    help: 'prices per token that replace the built-in table model by model (cost per call)',
  }),
  row({
    path: 'telemetry.metricsPort', env: 'FAST_LITELLM_METRICS_PORT', parser: int({ min: 0, max: 65535 }),
    section: 'telemetry', help: 'serve `/metrics` on this port from the app\'s process (0: a free one)',
  }),
  row({
    path: 'telemetry.metricsHost', env: 'FAST_LITELLM_METRICS_HOST', parser: host, default: '127.0.0.1',
    section: 'telemetry', help: 'address the metrics server listens on',
  }),
  ...(Object.keys(LITELLM_HELP) as (keyof LitellmSections)[]).map((k) => row({
    path: `litellm.${k}`, key: k, parser: LITELLM_PARSERS[k] ?? kept, section: 'litellm',
    help: LITELLM_HELP[k], ...(k === 'model_list' ? { enables: 'router' as const } : {}),
  })),
]);
