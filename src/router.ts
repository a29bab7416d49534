import { getConfig } from './config';
import { ConfigError, InvalidArgumentError, invalidArgument } from './errors';
import {
  maskedEntry, parseRouterConfig, type DeploymentConfig, type RouterCore, type RouterStats, type StrategyName,
} from './accelerators/router';
import { checkModelList, Problems } from './accelerators/router/config';
import { coreFor, processRouterStats, stateFor } from './shims/router';

export { NoDeploymentsAvailableError, ContextWindowExceededError, DeploymentTimeoutError } from './accelerators/router';

// LiteLLM's Router for Node, in code: `new Router({ modelList, routingStrategy, ... })`. Options
// take LiteLLM's router settings in camelCase (routingStrategy) or as LiteLLM spells them
// (routing_strategy); modelList entries are LiteLLM's own dicts. Deployments are called through
// litellm's completion()/embedding() when litellm is installed (accelerated when the acceleration
// is on), else over the pooled OpenAI-compatible transport.

export interface RouterOptions {
  modelList: DeploymentConfig[];
  routingStrategy?: StrategyName;
  routingStrategyArgs?: { ttl?: number; lowest_latency_buffer?: number; max_latency_list_size?: number };
  numRetries?: number;
  timeout?: number;
  streamTimeout?: number;
  fallbacks?: Record<string, string[]>[];
  contextWindowFallbacks?: Record<string, string[]>[];
  contentPolicyFallbacks?: Record<string, string[]>[];
  defaultFallbacks?: string[];
  maxFallbacks?: number;
  allowedFails?: number;
  allowedFailsPolicy?: Record<string, number>;
  cooldownTime?: number;
  disableCooldowns?: boolean;
  retryAfter?: number;
  retryPolicy?: Record<string, number>;
  modelGroupRetryPolicy?: Record<string, Record<string, number>>;
  modelGroupAlias?: Record<string, string | { model: string; hidden?: boolean }>;
  enablePreCallChecks?: boolean;
  defaultMaxParallelRequests?: number;
  /** Share cooldowns, usage and busy counts across processes (else FAST_LITELLM_REDIS_URL, else memory). */
  redisUrl?: string;
  /** Redis key names: ours, or LiteLLM Router's. */
  keyLayout?: 'fast-litellm' | 'litellm';
  keyPrefix?: string;
  /** Values for os.environ/NAME references before the process environment. */
  environmentVariables?: Record<string, string>;
  [snakeCase: string]: unknown;
}

export interface CallOptions {
  /** Aborts the call (and its retries and fallbacks); the router rejects with the signal's reason. */
  signal?: AbortSignal;
}

const OWN = new Set(['modelList', 'model_list', 'keyLayout', 'key_layout', 'keyPrefix', 'key_prefix',
  'environmentVariables', 'environment_variables']);

const snake = (k: string): string => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

function build(options: RouterOptions): { core: RouterCore } {
  if (options === null || typeof options !== 'object') {
    invalidArgument('Router: options', options, 'an object with modelList');
  }
  const settings: Record<string, unknown> = {};
  const names = new Map<string, string>();
  for (const [k, v] of Object.entries(options)) {
    if (OWN.has(k) || v === undefined) continue;
    settings[snake(k)] = v;
    names.set(snake(k), k);
  }
  const modelList = options.modelList ?? options.model_list;
  if (!Array.isArray(modelList)) invalidArgument('Router: modelList', modelList, 'a list of deployments');
  const layout = (options.keyLayout ?? options.key_layout) as RouterOptions['keyLayout'];
  if (layout !== undefined && layout !== 'fast-litellm' && layout !== 'litellm') {
    invalidArgument('Router: keyLayout', layout, 'fast-litellm, litellm');
  }
  try {
    const vars = options.environmentVariables ?? options.environment_variables;
    const config = parseRouterConfig(
      { model_list: modelList, router_settings: settings, environment_variables: vars },
      { env: process.env, label: (_section, k) => `Router: ${names.get(k) ?? k}`, modelListName: 'Router: modelList' },
    );
    const prefix = (options.keyPrefix ?? options.key_prefix) as string | undefined;
    const state = stateFor(config, getConfig(), layout, prefix);
    return { core: coreFor(config, state) };
  } catch (err) {
    if (err instanceof ConfigError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

/**
 * Calls, failures, retries, fallbacks and cooldowns per deployment id of the router the config
 * file's model_list set up (the one litellm's completion() routes through); undefined before it
 * routed a call.
 */
export function getRouterStats(): RouterStats | undefined {
  return processRouterStats();
}

export class Router {
  readonly #core: RouterCore;

  constructor(options: RouterOptions) {
    this.#core = build(options).core;
  }

  /** litellm's completion() routed: retries, fallbacks, cooldowns; the answer's `_hidden_params` say what served it. */
  completion(params: Record<string, unknown>, options: CallOptions = {}): Promise<unknown> {
    return this.#route('completion', params, options);
  }

  embedding(params: Record<string, unknown>, options: CallOptions = {}): Promise<unknown> {
    return this.#route('embedding', params, options);
  }

  async #route(kind: 'completion' | 'embedding', params: Record<string, unknown>, options: CallOptions):
    Promise<unknown> {
    const where = `Router.${kind}: params`;
    if (params === null || typeof params !== 'object') invalidArgument(where, params, 'an object with model');
    if (typeof params.model !== 'string') invalidArgument(`${where}.model`, params.model, 'a model group name');
    return this.#core.route(kind, params, options.signal);
  }

  /** The deployment a call would go to now, its secrets masked (LiteLLM's get_available_deployment). */
  getAvailableDeployment(model: string, request: { messages?: unknown; input?: unknown; stream?: boolean } = {}):
    Record<string, unknown> {
    return maskedEntry(this.#core.pick(model, request));
  }

  /** The model_list (of one group when named), secrets masked. */
  getModelList(modelName?: string): Record<string, unknown>[] {
    const all = this.#core.modelList();
    return modelName === undefined ? all : all.filter((d) => d.model_name === modelName);
  }

  /** Adds a deployment; undefined when one with its id is there already (LiteLLM's add_deployment). */
  addDeployment(entry: DeploymentConfig): Record<string, unknown> | undefined {
    const p = new Problems();
    const [checked] = checkModelList(p, [entry], process.env, {}, 'Router.addDeployment: deployment');
    if (p.lines.length > 0) throw new InvalidArgumentError(p.lines.join('\n'));
    const d = this.#core.addDeployment(checked);
    return d === undefined ? undefined : maskedEntry(d);
  }

  deleteDeployment(id: string): Record<string, unknown> | undefined {
    const d = this.#core.deleteDeployment(id);
    return d === undefined ? undefined : maskedEntry(d);
  }

  getStats(): RouterStats {
    return this.#core.stats();
  }

  /** Closes its Redis connection, if any (sending what is queued first). */
  close(): Promise<void> {
    return this.#core.close();
  }
}
