import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// Every FAST_LITELLM_* variable is read here and nowhere else, so the README table and the
// validation stay in one place. Environment variables override the JSON file.

export const FEATURES = ['token_counting', 'rate_limiting', 'connection_pooling', 'streaming', 'handler_lookup', 'lazy_loading'] as const;
export type FeatureName = (typeof FEATURES)[number];

export type FeatureMode =
  | { mode: 'on' }
  | { mode: 'off' }
  | { mode: 'shadow' }
  | { mode: 'rollout'; percent: number };

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
  /** Limits per model name (exact match). */
  models: Record<string, ModelLimits>;
  /** Limits per API key, keyed by the sha256 hex of the key (never the key itself). */
  apiKeys: Record<string, ModelLimits>;
}

export interface Config {
  disabled: boolean;
  features: Record<FeatureName, FeatureMode>;
  errorThreshold: number;
  logLevel: 'silent' | 'warn' | 'info' | 'debug';
  /** Register the import-in-the-middle ESM hook: auto = only when entered through --import. */
  esmHook: 'auto' | 'on' | 'off';
  tokens: { cacheBytes: number; workers: number; workerThreshold: number };
  pool: { maxConnections: number; keepAliveTimeoutMs: number };
  rateLimit: RateLimitConfig;
  /** Where the JSON file came from, for status output. */
  source: { file?: string };
}

export class ConfigError extends Error {
  readonly code = 'FAST_LITELLM_INVALID_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULTS: Omit<Config, 'source'> = Object.freeze({
  disabled: false,
  features: {
    token_counting: { mode: 'on' },
    // Rate limiting only makes sense once limits exist; parse() turns it on when any are set.
    rate_limiting: { mode: 'off' },
    connection_pooling: { mode: 'on' },
    streaming: { mode: 'on' },
    handler_lookup: { mode: 'on' },
    lazy_loading: { mode: 'on' },
  },
  errorThreshold: 10,
  logLevel: 'warn',
  esmHook: 'auto',
  tokens: { cacheBytes: 16 * 1024 * 1024, workers: 0, workerThreshold: 0 },
  pool: { maxConnections: 128, keepAliveTimeoutMs: 4000 },
  rateLimit: {
    algorithm: 'sliding-window',
    onLimit: 'error',
    maxWaitMs: 30_000,
    failMode: 'open',
    redisTimeoutMs: 250,
    keyPrefix: 'fast-litellm:',
    keyLayout: 'fast-litellm',
    models: {},
    apiKeys: {},
  },
} as Omit<Config, 'source'>);

/** The environment variable that sets each feature's mode. */
export const FEATURE_ENV: Record<FeatureName, string> = {
  token_counting: 'FAST_LITELLM_TOKEN_COUNTING',
  rate_limiting: 'FAST_LITELLM_RATE_LIMITING',
  connection_pooling: 'FAST_LITELLM_CONNECTION_POOLING',
  streaming: 'FAST_LITELLM_STREAMING',
  handler_lookup: 'FAST_LITELLM_HANDLER_LOOKUP',
  lazy_loading: 'FAST_LITELLM_LAZY_LOADING',
};

const MODE_HELP = 'on, off, shadow or rollout:N with N an integer from 0 to 100';

export function parseFeatureMode(value: unknown, where: string): FeatureMode {
  if (typeof value === 'boolean') return { mode: value ? 'on' : 'off' };
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'on' || v === 'true' || v === '1') return { mode: 'on' };
    if (v === 'off' || v === 'false' || v === '0') return { mode: 'off' };
    if (v === 'shadow') return { mode: 'shadow' };
    const m = /^rollout:(\d{1,3})$/.exec(v);
    if (m && Number(m[1]) <= 100) return { mode: 'rollout', percent: Number(m[1]) };
  }
  throw new ConfigError(`${where}: invalid value ${show(value)}; accepted: ${MODE_HELP}`);
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function parseNumber(value: unknown, where: string, opts: { min: number; integer?: boolean; max?: number }): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  const ok =
    typeof n === 'number' &&
    Number.isFinite(n) &&
    n >= opts.min &&
    (opts.max === undefined || n <= opts.max) &&
    (!opts.integer || Number.isInteger(n));
  if (!ok) {
    const kind = opts.integer ? 'an integer' : 'a number';
    const range = opts.max === undefined ? `>= ${opts.min}` : `from ${opts.min} to ${opts.max}`;
    throw new ConfigError(`${where}: invalid value ${show(value)}; accepted: ${kind} ${range}`);
  }
  return n as number;
}

function parseEnum<T extends string>(value: unknown, where: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`${where}: invalid value ${show(value)}; accepted: ${allowed.join(', ')}`);
}

function parseString(value: unknown, where: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ConfigError(`${where}: invalid value ${show(value)}; accepted: a non-empty string`);
}

function parseLimits(value: unknown, where: string): ModelLimits {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${where}: invalid value ${show(value)}; accepted: an object with rpm, tpm, maxParallel`);
  }
  const out: ModelLimits = {};
  for (const [k, v] of Object.entries(value)) {
    if (k !== 'rpm' && k !== 'tpm' && k !== 'maxParallel') {
      throw new ConfigError(`${where}.${k}: unknown setting; accepted: rpm, tpm, maxParallel`);
    }
    out[k] = parseNumber(v, `${where}.${k}`, { min: 1, integer: true });
  }
  return out;
}

type Raw = Record<string, unknown>;

function readFile(path: string): Raw {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (err) {
    throw new ConfigError(`FAST_LITELLM_CONFIG: cannot read file ${full} (${(err as NodeJS.ErrnoException).code ?? 'error'}); accepted: a readable JSON file`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`FAST_LITELLM_CONFIG: file ${full} is not valid JSON (${(err as Error).message}); accepted: a JSON object`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`FAST_LITELLM_CONFIG: file ${full} must hold a JSON object, got ${Array.isArray(data) ? 'an array' : show(data)}`);
  }
  return data as Raw;
}

const FILE_KEYS = ['disabled', 'features', 'errorThreshold', 'logLevel', 'esmHook', 'tokens', 'pool', 'rateLimit'];

function section(raw: Raw, key: string, where: string, allowed: string[]): Raw {
  const v = raw[key];
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new ConfigError(`${where}.${key}: invalid value ${show(v)}; accepted: an object`);
  }
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) throw new ConfigError(`${where}.${key}.${k}: unknown setting; accepted: ${allowed.join(', ')}`);
  }
  return v as Raw;
}

/**
 * Builds the configuration from an environment and an optional JSON file (named by FAST_LITELLM_CONFIG).
 * Throws ConfigError naming the variable or file, the bad value and what is accepted.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cfg: Config = structuredClone({ ...DEFAULTS, source: {} }) as Config;
  const file = env.FAST_LITELLM_CONFIG;
  // A file that names rate_limiting explicitly wins over "on because limits exist".
  let rateLimitingNamed = false;
  if (file !== undefined && file !== '') {
    const raw = readFile(file);
    cfg.source.file = resolve(file);
    applyFile(cfg, raw, resolve(file));
    rateLimitingNamed = (raw.features as Raw | undefined)?.rate_limiting !== undefined;
  }
  applyEnv(cfg, env, rateLimitingNamed);
  if (cfg.disabled) {
    for (const f of FEATURES) cfg.features[f] = { mode: 'off' };
  }
  return cfg;
}

function applyFile(cfg: Config, raw: Raw, where: string): void {
  for (const k of Object.keys(raw)) {
    if (!FILE_KEYS.includes(k)) throw new ConfigError(`${where}: unknown setting "${k}"; accepted: ${FILE_KEYS.join(', ')}`);
  }
  if (raw.disabled !== undefined) {
    if (typeof raw.disabled !== 'boolean') throw new ConfigError(`${where}.disabled: invalid value ${show(raw.disabled)}; accepted: true or false`);
    cfg.disabled = raw.disabled;
  }
  const features = section(raw, 'features', where, [...FEATURES]);
  for (const [k, v] of Object.entries(features)) cfg.features[k as FeatureName] = parseFeatureMode(v, `${where}.features.${k}`);
  if (raw.errorThreshold !== undefined) cfg.errorThreshold = parseNumber(raw.errorThreshold, `${where}.errorThreshold`, { min: 1, integer: true });
  if (raw.logLevel !== undefined) cfg.logLevel = parseEnum(raw.logLevel, `${where}.logLevel`, ['silent', 'warn', 'info', 'debug']);
  if (raw.esmHook !== undefined) cfg.esmHook = parseEnum(raw.esmHook, `${where}.esmHook`, ['auto', 'on', 'off']);
  const tokens = section(raw, 'tokens', where, ['cacheBytes', 'workers', 'workerThreshold']);
  if (tokens.cacheBytes !== undefined) cfg.tokens.cacheBytes = parseNumber(tokens.cacheBytes, `${where}.tokens.cacheBytes`, { min: 0, integer: true });
  if (tokens.workers !== undefined) cfg.tokens.workers = parseNumber(tokens.workers, `${where}.tokens.workers`, { min: 0, max: 64, integer: true });
  if (tokens.workerThreshold !== undefined) cfg.tokens.workerThreshold = parseNumber(tokens.workerThreshold, `${where}.tokens.workerThreshold`, { min: 0, integer: true });
  const pool = section(raw, 'pool', where, ['maxConnections', 'keepAliveTimeoutMs']);
  if (pool.maxConnections !== undefined) cfg.pool.maxConnections = parseNumber(pool.maxConnections, `${where}.pool.maxConnections`, { min: 1, max: 65536, integer: true });
  if (pool.keepAliveTimeoutMs !== undefined) cfg.pool.keepAliveTimeoutMs = parseNumber(pool.keepAliveTimeoutMs, `${where}.pool.keepAliveTimeoutMs`, { min: 1, integer: true });
  const rl = section(raw, 'rateLimit', where, [
    'rpm', 'tpm', 'maxParallel', 'redisUrl', 'algorithm', 'onLimit', 'maxWaitMs', 'failMode', 'redisTimeoutMs',
    'keyPrefix', 'keyLayout', 'models', 'apiKeys',
  ]);
  applyRateLimit(cfg.rateLimit, rl, `${where}.rateLimit`);
}

function applyRateLimit(out: RateLimitConfig, rl: Raw, where: string): void {
  for (const k of ['rpm', 'tpm', 'maxParallel'] as const) {
    if (rl[k] !== undefined) out[k] = parseNumber(rl[k], `${where}.${k}`, { min: 1, integer: true });
  }
  if (rl.redisUrl !== undefined) out.redisUrl = parseRedisUrl(rl.redisUrl, `${where}.redisUrl`);
  if (rl.algorithm !== undefined) out.algorithm = parseEnum(rl.algorithm, `${where}.algorithm`, ['sliding-window', 'token-bucket']);
  if (rl.onLimit !== undefined) out.onLimit = parseEnum(rl.onLimit, `${where}.onLimit`, ['error', 'wait']);
  if (rl.maxWaitMs !== undefined) out.maxWaitMs = parseNumber(rl.maxWaitMs, `${where}.maxWaitMs`, { min: 0, integer: true });
  if (rl.failMode !== undefined) out.failMode = parseEnum(rl.failMode, `${where}.failMode`, ['open', 'closed']);
  if (rl.redisTimeoutMs !== undefined) out.redisTimeoutMs = parseNumber(rl.redisTimeoutMs, `${where}.redisTimeoutMs`, { min: 1, integer: true });
  if (rl.keyPrefix !== undefined) out.keyPrefix = parseString(rl.keyPrefix, `${where}.keyPrefix`);
  if (rl.keyLayout !== undefined) out.keyLayout = parseEnum(rl.keyLayout, `${where}.keyLayout`, ['fast-litellm', 'litellm-proxy']);
  for (const group of ['models', 'apiKeys'] as const) {
    const v = rl[group];
    if (v === undefined) continue;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new ConfigError(`${where}.${group}: invalid value ${show(v)}; accepted: an object of limits`);
    }
    for (const [name, limits] of Object.entries(v)) {
      if (group === 'apiKeys' && !/^[0-9a-f]{64}$/.test(name)) {
        throw new ConfigError(`${where}.apiKeys: keys must be the sha256 hex digest of the API key (64 hex characters), never the key itself`);
      }
      out[group][name] = parseLimits(limits, `${where}.${group}.${group === 'apiKeys' ? name.slice(0, 8) + '…' : name}`);
    }
  }
}

function parseRedisUrl(value: unknown, where: string): string {
  const s = parseString(value, where);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new ConfigError(`${where}: invalid value (not a URL); accepted: redis://host:port or rediss://host:port`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    // The URL may hold a password: name the protocol only.
    throw new ConfigError(`${where}: invalid protocol ${JSON.stringify(u.protocol)}; accepted: redis://host:port or rediss://host:port`);
  }
  return s;
}

function applyEnv(cfg: Config, env: NodeJS.ProcessEnv, rateLimitingNamed: boolean): void {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const disable = get('FAST_LITELLM_DISABLE');
  if (disable !== undefined) {
    cfg.disabled = parseEnum(disable.toLowerCase(), 'FAST_LITELLM_DISABLE', ['1', '0', 'true', 'false']) === '1' || disable.toLowerCase() === 'true';
  }
  const rl = cfg.rateLimit;
  const rpm = get('FAST_LITELLM_RPM');
  if (rpm !== undefined) rl.rpm = parseNumber(rpm, 'FAST_LITELLM_RPM', { min: 1, integer: true });
  const tpm = get('FAST_LITELLM_TPM');
  if (tpm !== undefined) rl.tpm = parseNumber(tpm, 'FAST_LITELLM_TPM', { min: 1, integer: true });
  const par = get('FAST_LITELLM_MAX_PARALLEL');
  if (par !== undefined) rl.maxParallel = parseNumber(par, 'FAST_LITELLM_MAX_PARALLEL', { min: 1, integer: true });
  const redis = get('FAST_LITELLM_REDIS_URL');
  if (redis !== undefined) rl.redisUrl = parseRedisUrl(redis, 'FAST_LITELLM_REDIS_URL');
  const onLimit = get('FAST_LITELLM_ON_LIMIT');
  if (onLimit !== undefined) rl.onLimit = parseEnum(onLimit, 'FAST_LITELLM_ON_LIMIT', ['error', 'wait']);
  const failMode = get('FAST_LITELLM_RATE_LIMIT_FAIL_MODE');
  if (failMode !== undefined) rl.failMode = parseEnum(failMode, 'FAST_LITELLM_RATE_LIMIT_FAIL_MODE', ['open', 'closed']);
  const algorithm = get('FAST_LITELLM_RATE_LIMIT_ALGORITHM');
  if (algorithm !== undefined) rl.algorithm = parseEnum(algorithm, 'FAST_LITELLM_RATE_LIMIT_ALGORITHM', ['sliding-window', 'token-bucket']);

  const limitsSet = rl.rpm !== undefined || rl.tpm !== undefined || rl.maxParallel !== undefined ||
    Object.keys(rl.models).length > 0 || Object.keys(rl.apiKeys).length > 0;
  if (limitsSet && !rateLimitingNamed) {
    cfg.features.rate_limiting = { mode: 'on' };
  }

  for (const f of FEATURES) {
    const v = get(FEATURE_ENV[f]);
    if (v !== undefined) cfg.features[f] = parseFeatureMode(v, FEATURE_ENV[f]);
  }
  const threshold = get('FAST_LITELLM_ERROR_THRESHOLD');
  if (threshold !== undefined) cfg.errorThreshold = parseNumber(threshold, 'FAST_LITELLM_ERROR_THRESHOLD', { min: 1, integer: true });
  const log = get('FAST_LITELLM_LOG_LEVEL');
  if (log !== undefined) cfg.logLevel = parseEnum(log, 'FAST_LITELLM_LOG_LEVEL', ['silent', 'warn', 'info', 'debug']);
  const esm = get('FAST_LITELLM_ESM_HOOK');
  if (esm !== undefined) cfg.esmHook = parseEnum(esm, 'FAST_LITELLM_ESM_HOOK', ['auto', 'on', 'off']);
  const cache = get('FAST_LITELLM_TOKEN_CACHE_BYTES');
  if (cache !== undefined) cfg.tokens.cacheBytes = parseNumber(cache, 'FAST_LITELLM_TOKEN_CACHE_BYTES', { min: 0, integer: true });
  const workers = get('FAST_LITELLM_TOKEN_WORKERS');
  if (workers !== undefined) cfg.tokens.workers = parseNumber(workers, 'FAST_LITELLM_TOKEN_WORKERS', { min: 0, max: 64, integer: true });
  const maxConn = get('FAST_LITELLM_MAX_CONNECTIONS');
  if (maxConn !== undefined) cfg.pool.maxConnections = parseNumber(maxConn, 'FAST_LITELLM_MAX_CONNECTIONS', { min: 1, max: 65536, integer: true });
}

let current: Config | undefined;

/** The process-wide configuration, read once (ConfigError on invalid input). */
export function getConfig(): Config {
  current ??= loadConfig();
  return current;
}

/** Replaces the process-wide configuration (applyAcceleration(options) and tests). */
export function setConfig(cfg: Config): void {
  current = cfg;
}
