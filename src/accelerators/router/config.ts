import { ROUTER_DEFAULTS, STRATEGY_ARGS_DEFAULTS, defaultSettings } from './defaults';
import {
  Problems, bool, countsObject, fallbackList, isObject, names, num, str,
} from './config-values';

export { Problems };
import { STRATEGIES, type AllowedFailsPolicy, type DeploymentConfig, type RetryPolicy, type RouterConfig,
  type RouterSettings, type StrategyName } from './types';

// From the sections of a parsed config file (LiteLLM proxy config.yaml or JSON) to validated
// router options. Pure: the environment comes in as an argument.

export interface RawSections {
  model_list?: unknown;
  router_settings?: unknown;
  litellm_settings?: unknown;
  environment_variables?: unknown;
}

export interface ParseOptions {
  /** Resolves os.environ/NAME (after the file's environment_variables). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Names a settings key in messages (the Router class names its camelCase options). */
  label?: (section: 'router_settings' | 'litellm_settings', key: string) => string;
  /** Names the model list in messages (default model_list). */
  modelListName?: string;
}

const RETRY_FIELDS = ['AuthenticationErrorRetries', 'TimeoutErrorRetries', 'RateLimitErrorRetries',
  'ContentPolicyViolationErrorRetries', 'InternalServerErrorRetries', 'BadRequestErrorRetries',
  'NotFoundErrorRetries', 'DefaultRetries'] as const;
const ALLOWED_FAILS_FIELDS = ['BadRequestErrorAllowedFails', 'AuthenticationErrorAllowedFails',
  'TimeoutErrorAllowedFails', 'RateLimitErrorAllowedFails', 'ContentPolicyViolationErrorAllowedFails',
  'InternalServerErrorAllowedFails', 'ServiceUnavailableErrorAllowedFails', 'BadGatewayErrorAllowedFails',
  'NotFoundErrorAllowedFails'] as const;

/** router_settings LiteLLM accepts that change nothing here (caching, alerting, scheduling...). */
const IGNORED_SETTINGS = new Set(['cache_responses', 'cache_kwargs', 'caching_groups', 'client_ttl', 'polling_interval',
  'default_priority', 'set_verbose', 'debug_level', 'enable_tag_filtering', 'optional_pre_call_checks',
  'provider_budget_config', 'alerting_config', 'router_general_settings', 'ignore_invalid_deployments',
  'default_litellm_params', 'assistants_config', 'search_tools', 'enable_health_check_routing']);

const KNOWN_SETTINGS = new Set(['num_retries', 'timeout', 'fallbacks', 'context_window_fallbacks',
  'content_policy_fallbacks', 'default_fallbacks', 'max_fallbacks', 'allowed_fails', 'routing_strategy',
  'routing_strategy_args', 'stream_timeout', 'allowed_fails_policy', 'cooldown_time', 'disable_cooldowns',
  'retry_after', 'retry_policy', 'model_group_retry_policy', 'model_group_alias', 'enable_pre_call_checks',
  'default_max_parallel_requests', 'redis_url', 'redis_host', 'redis_port', 'redis_password']);

const ENV_PREFIX = 'os.environ/';

export function resolveEnv(v: unknown, env: ParseOptions['env'], vars: Record<string, unknown>): unknown {
  if (typeof v !== 'string' || !v.startsWith(ENV_PREFIX)) return v;
  const name = v.slice(ENV_PREFIX.length);
  const own = vars[name];
  if (typeof own === 'string') return own;
  return env?.[name] ?? null;
}

function envVars(p: Problems, v: unknown): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (isObject(v)) return v;
  p.add('environment_variables', v, 'an object of NAME: value');
  return {};
}

const COUNT = { min: 0, integer: true } as const;
const SECONDS = { min: 0, exclusive: true } as const;

function checkDeployment(p: Problems, where: string, d: unknown, env: ParseOptions['env'],
  vars: Record<string, unknown>): DeploymentConfig | undefined {
  if (!isObject(d)) return p.add(where, d, 'an object with model_name and litellm_params');
  const modelName = d.model_name;
  if (typeof modelName !== 'string' || modelName === '') p.add(`${where}.model_name`, modelName, 'a non-empty string');
  const lp = d.litellm_params;
  if (!isObject(lp)) return p.add(`${where}.litellm_params`, lp, 'an object with model');
  const params: Record<string, unknown> = {};
  for (const k of Object.keys(lp)) params[k] = resolveEnv(lp[k], env, vars);
  if (typeof params.model !== 'string' || params.model === '') {
    p.add(`${where}.litellm_params.model`, lp.model, 'a non-empty string (the provider model)');
  }
  const at = (k: string): string => `${where}.litellm_params.${k}`;
  for (const k of ['rpm', 'tpm', 'num_retries', 'max_input_tokens']) num(p, at(k), params[k], COUNT);
  num(p, at('max_parallel_requests'), params.max_parallel_requests, { min: 1, integer: true });
  num(p, at('weight'), params.weight, { min: 0 });
  num(p, at('order'), params.order, COUNT);
  for (const k of ['timeout', 'stream_timeout']) num(p, at(k), params[k], SECONDS);
  num(p, at('cooldown_time'), params.cooldown_time, { min: 0 });
  for (const k of ['input_cost_per_token', 'output_cost_per_token']) num(p, at(k), params[k], { min: 0 });
  num(p, `${where}.rpm`, d.rpm, COUNT);
  num(p, `${where}.tpm`, d.tpm, COUNT);
  const info = d.model_info;
  if (info !== undefined && info !== null && !isObject(info)) p.add(`${where}.model_info`, info, 'an object');
  if (isObject(info)) {
    const id = info.id;
    if (id !== undefined && id !== null && !(typeof id === 'string' && id !== '') && typeof id !== 'number') {
      p.add(`${where}.model_info.id`, id, 'a non-empty string');
    }
    for (const k of ['rpm', 'tpm', 'max_input_tokens']) num(p, `${where}.model_info.${k}`, info[k], COUNT);
  }
  const extra = Object.keys(d).filter((k) => !['model_name', 'litellm_params', 'model_info', 'rpm', 'tpm'].includes(k));
  for (const k of extra) {
    p.line(`${where}.${k}: unknown setting; accepted: model_name, litellm_params, model_info, rpm, tpm`);
  }
  return { ...d, model_name: modelName as string, litellm_params: params as DeploymentConfig['litellm_params'] };
}

/** model_list, checked: a list of deployments, each with model_name and litellm_params.model. */
export function checkModelList(p: Problems, v: unknown, env?: ParseOptions['env'], vars: Record<string, unknown> = {},
  root = 'model_list'): DeploymentConfig[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    p.add(root, v, 'a list of deployments ({ model_name, litellm_params: { model, ... } })');
    return [];
  }
  const out: DeploymentConfig[] = [];
  v.forEach((d, i) => {
    const c = checkDeployment(p, `${root}[${i}]`, d, env, vars);
    if (c) out.push(c);
  });
  return out;
}

function strategy(p: Problems, where: string, v: unknown): StrategyName | undefined {
  if (v === undefined || v === null) return undefined;
  // LiteLLM's v1 is deprecated in favour of v2, which counts the same per-minute rpm/tpm.
  if (v === 'usage-based-routing') return 'usage-based-routing-v2';
  if (typeof v === 'string' && (STRATEGIES as readonly string[]).includes(v)) return v as StrategyName;
  return p.add(where, v, STRATEGIES.join(', '));
}

function aliases(p: Problems, where: string, v: unknown): RouterSettings['model_group_alias'] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return p.add(where, v, 'an object of alias: model group (or { model, hidden })');
  const out: RouterSettings['model_group_alias'] = {};
  for (const [k, a] of Object.entries(v)) {
    if (typeof a === 'string' && a !== '') out[k] = { model: a, hidden: false };
    else if (isObject(a) && typeof a.model === 'string' && a.model !== '') {
      out[k] = { model: a.model, hidden: a.hidden === true };
    }
    else p.add(`${where}.${k}`, a, 'a model group name or { model, hidden }');
  }
  return out;
}

function strategyArgs(p: Problems, where: string, v: unknown): RouterSettings['routing_strategy_args'] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return p.add(where, v, 'an object of ttl, lowest_latency_buffer, max_latency_list_size');
  const out = { ...STRATEGY_ARGS_DEFAULTS };
  for (const k of Object.keys(v)) {
    if (k === 'ttl') out.ttl = num(p, `${where}.ttl`, v.ttl, SECONDS) ?? out.ttl;
    else if (k === 'lowest_latency_buffer') out.lowest_latency_buffer = num(p, `${where}.${k}`, v[k], { min: 0 }) ?? 0;
    else if (k === 'max_latency_list_size') {
      out.max_latency_list_size = num(p, `${where}.${k}`, v[k], { min: 1, integer: true }) ?? 10;
    }
    else p.line(`${where}.${k}: unknown setting; accepted: ttl, lowest_latency_buffer, max_latency_list_size`);
  }
  return out;
}

function redisUrlOf(p: Problems, where: (k: string) => string, s: Record<string, unknown>): string | undefined {
  const url = str(p, where('redis_url'), s.redis_url);
  if (url !== undefined) {
    if (!/^rediss?:\/\//.test(url)) {
      return p.add(where('redis_url'), '(hidden)', 'redis://host:port or rediss://host:port');
    }
    return url;
  }
  const host = str(p, where('redis_host'), s.redis_host);
  if (host === undefined) return undefined;
  const port = num(p, where('redis_port'), s.redis_port, { min: 1, integer: true }) ?? 6379;
  const pass = s.redis_password;
  const auth = typeof pass === 'string' && pass !== '' ? `:${encodeURIComponent(pass)}@` : '';
  return `redis://${auth}${host}:${port}`;
}

type Section = 'router_settings' | 'litellm_settings';

function readSettings(p: Problems, section: Section, raw: Record<string, unknown>, out: RouterSettings,
  label: (k: string) => string): void {
  const s = raw;
  const set = <K extends keyof RouterSettings>(k: K, v: RouterSettings[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('num_retries', num(p, label('num_retries'), s.num_retries, COUNT));
  set('timeout', num(p, label(section === 'litellm_settings' ? 'request_timeout' : 'timeout'),
    section === 'litellm_settings' ? s.request_timeout : s.timeout, SECONDS));
  set('fallbacks', fallbackList(p, label('fallbacks'), s.fallbacks));
  set('context_window_fallbacks', fallbackList(p, label('context_window_fallbacks'), s.context_window_fallbacks));
  set('content_policy_fallbacks', fallbackList(p, label('content_policy_fallbacks'), s.content_policy_fallbacks));
  if (s.default_fallbacks !== undefined && s.default_fallbacks !== null) {
    const list = names(p, label('default_fallbacks'), s.default_fallbacks);
    if (list) out.fallbacks = [...out.fallbacks.filter((f) => !('*' in f)), { '*': list }];
  }
  set('max_fallbacks', num(p, label('max_fallbacks'), s.max_fallbacks, COUNT));
  set('allowed_fails', num(p, label('allowed_fails'), s.allowed_fails, COUNT));
  if (section === 'litellm_settings') return;
  set('routing_strategy', strategy(p, label('routing_strategy'), s.routing_strategy));
  set('routing_strategy_args', strategyArgs(p, label('routing_strategy_args'), s.routing_strategy_args));
  set('stream_timeout', num(p, label('stream_timeout'), s.stream_timeout, SECONDS));
  set('allowed_fails_policy', countsObject<AllowedFailsPolicy>(p, label('allowed_fails_policy'), s.allowed_fails_policy,
    ALLOWED_FAILS_FIELDS));
  // LiteLLM: `cooldown_time or 5`, so 0 is the default too (disable_cooldowns turns them off).
  const cd = num(p, label('cooldown_time'), s.cooldown_time, { min: 0 });
  if (cd !== undefined) out.cooldown_time = cd || ROUTER_DEFAULTS.cooldownTime;
  set('disable_cooldowns', bool(p, label('disable_cooldowns'), s.disable_cooldowns));
  set('retry_after', num(p, label('retry_after'), s.retry_after, { min: 0 }));
  set('retry_policy', countsObject<RetryPolicy>(p, label('retry_policy'), s.retry_policy, RETRY_FIELDS));
  const mgrp = s.model_group_retry_policy;
  if (mgrp !== undefined && mgrp !== null) {
    if (!isObject(mgrp)) p.add(label('model_group_retry_policy'), mgrp, 'an object of model group: retry policy');
    else {
      for (const [g, pol] of Object.entries(mgrp)) {
        const c = countsObject<RetryPolicy>(p, `${label('model_group_retry_policy')}.${g}`, pol, RETRY_FIELDS);
        if (c) out.model_group_retry_policy[g] = c;
      }
    }
  }
  set('model_group_alias', aliases(p, label('model_group_alias'), s.model_group_alias));
  set('enable_pre_call_checks', bool(p, label('enable_pre_call_checks'), s.enable_pre_call_checks));
  set('default_max_parallel_requests', num(p, label('default_max_parallel_requests'), s.default_max_parallel_requests,
    { min: 1, integer: true }));
  set('redis_url', redisUrlOf(p, label, s));
  for (const k of Object.keys(s)) {
    if (!KNOWN_SETTINGS.has(k) && !IGNORED_SETTINGS.has(k)) {
      p.line(`${label(k)}: unknown setting; accepted: ${[...KNOWN_SETTINGS].join(', ')}`);
    }
  }
}

/** Checks router_settings alone (for the settings table): throws ConfigError naming every bad value. */
export function checkRouterSettings(v: unknown, where = 'router_settings'): void {
  const p = new Problems();
  if (v !== undefined && v !== null && !isObject(v)) p.add(where, v, 'an object of router settings');
  else if (isObject(v)) readSettings(p, 'router_settings', v, defaultSettings(), (k) => `${where}.${k}`);
  p.throwIfAny();
}

/** Checks the litellm_settings the router reads (num_retries, request_timeout, fallbacks...); the rest is litellm's. */
export function checkLitellmSettings(v: unknown, where = 'litellm_settings'): void {
  const p = new Problems();
  if (v !== undefined && v !== null && !isObject(v)) p.add(where, v, 'an object of litellm settings');
  else if (isObject(v)) readSettings(p, 'litellm_settings', v, defaultSettings(), (k) => `${where}.${k}`);
  p.throwIfAny();
}

/** Checks environment_variables: an object of NAME: value. */
export function checkEnvironmentVariables(v: unknown, where = 'environment_variables'): void {
  if (v !== undefined && v !== null && !isObject(v)) {
    const p = new Problems();
    p.add(where, v, 'an object of NAME: value');
    p.throwIfAny();
  }
}

/** Every section at once; throws one ConfigError naming every bad value, one per line. */
export function parseRouterConfig(raw: RawSections, options: ParseOptions = {}): RouterConfig {
  const p = new Problems();
  const vars = envVars(p, raw.environment_variables);
  const modelList = checkModelList(p, raw.model_list, options.env, vars, options.modelListName);
  const settings = defaultSettings();
  const label = options.label ?? ((section: Section, k: string) => `${section}.${k}`);
  for (const section of ['litellm_settings', 'router_settings'] as const) {
    const s = raw[section];
    if (s === undefined || s === null) continue;
    if (!isObject(s)) p.add(section, s, 'an object of settings');
    else readSettings(p, section, s, settings, (k) => label(section, k));
  }
  p.throwIfAny();
  return { modelList, settings };
}
