import { dirname, resolve } from 'node:path';
import { getConfig, type Config } from '../config';
import { readConfigFile } from '../config/file';
import {
  RedisState, RouterCore, parseRouterConfig, type CallFn, type Deployment, type RawSections, type RouterConfig,
  type RouterState,
} from '../accelerators/router';
import { tokenCounter } from '../accelerators/tokens';
import { warnOnce } from '../log';
import { markInternal, type AnyFn } from './guard';
import { closeTransport, litellmCall, openaiCall, type Kind } from './router-transport';

// The router wired into litellm: with a model_list in the config file (FAST_LITELLM_CONFIG),
// litellm's completion() and embedding() route a call whose model is a configured group, alias,
// deployment id or `provider/*` pattern; any other call goes to the original untouched. Deployments
// are called through litellm's export again with the call marked as routed, which this row hands
// to what is beneath it: rate limits (the row under it) apply per deployment, and no routed call
// is routed twice.

/** Marks the params of a call the router makes, so the router row passes it straight through. */
const ROUTED = Symbol.for('fast-litellm.routed');

function litellmModule(kind: Kind): Record<string, unknown> | undefined {
  try {
    return require(kind === 'completion' ? 'litellm/dist/src/completion' : 'litellm/dist/src/embedding');
  } catch {
    return undefined;
  }
}

/** litellm's handler for a completion model, when litellm is installed and has one. */
function completionHandler(model: string): { found: boolean; openai: boolean } | undefined {
  const mod = litellmModule('completion');
  if (mod === undefined) return undefined;
  try {
    const { getHandler } = require('litellm/dist/src/handlers/getHandler') as { getHandler: AnyFn };
    const map = mod.MODEL_HANDLER_MAPPINGS as Record<string, unknown>;
    const h = getHandler(model, map);
    return { found: typeof h === 'function', openai: h !== null && h === map['openai/'] };
  } catch {
    return undefined;
  }
}

const EMBEDDING_PREFIXES = ['text-embedding-', 'ollama/', 'mistral/'];

/**
 * Which way a deployment is called. litellm when it has a handler for the model ("openai/X" is
 * sent as X, as LiteLLM does, so only when litellm's OpenAI handler takes X); the pooled
 * OpenAI-compatible transport for an OpenAI-compatible model litellm cannot reach, for embeddings
 * with an api_base on litellm's OpenAI handler (which takes no base URL), and without litellm.
 */
const routes = new Map<string, Route>();

type Route = { via: 'litellm' | 'direct'; model: string };

export function routeOf(kind: Kind, model: string, hasBase: boolean, litellm: boolean): Route {
  const key = `${kind}\u0000${hasBase ? 1 : 0}${litellm ? 1 : 0}${model}`;
  let r = routes.get(key);
  if (r === undefined) {
    r = decideRoute(kind, model, hasBase, litellm);
    // Bounded: model names come from the config (wildcard groups add what callers name).
    if (routes.size > 10_000) routes.clear();
    routes.set(key, r);
  }
  return r;
}

function decideRoute(kind: Kind, model: string, hasBase: boolean, litellm: boolean): Route {
  const prefixed = model.startsWith('openai/');
  const bare = prefixed ? model.slice('openai/'.length) : model;
  if (!litellm) return { via: 'direct', model: bare };
  if (kind === 'embedding') {
    if (prefixed || (hasBase && model.startsWith('text-embedding-'))) return { via: 'direct', model: bare };
    if (EMBEDDING_PREFIXES.some((p) => model.startsWith(p))) return { via: 'litellm', model };
    return hasBase ? { via: 'direct', model } : { via: 'litellm', model };
  }
  const h = completionHandler(bare);
  if (prefixed) return h?.openai ? { via: 'litellm', model: bare } : { via: 'direct', model: bare };
  if (h?.found || !hasBase) return { via: 'litellm', model };
  return { via: 'direct', model };
}

/** The call function for a kind (the router core calls it with the deployment's model in params). */
export function deploymentCall(kind: Kind): CallFn {
  const direct = openaiCall(kind);
  return (d: Deployment, params: Record<string, unknown>, signal: AbortSignal) => {
    const request = { ...params };
    delete request.model;
    const fn = litellmFunction(kind);
    const hasBase = typeof d.litellmParams.api_base === 'string' || typeof params.baseUrl === 'string';
    const r = routeOf(kind, String(params.model), hasBase, fn !== undefined);
    if (r.via === 'litellm' && fn !== undefined) return litellmCall(kind, () => fn)(d, request, r.model);
    return direct(d, request, r.model, signal);
  };
}

/**
 * litellm's exported function of the moment, with the call marked as the router's: under the
 * acceleration that export is the router row, which then hands it straight to what is beneath.
 */
const modules: Partial<Record<Kind, Record<string, unknown> | null>> = {};

function litellmFunction(kind: Kind): AnyFn | undefined {
  // The module object once; its export read at each call (patched or not, as it is now).
  if (modules[kind] === undefined) modules[kind] = litellmModule(kind) ?? null;
  const fn = modules[kind]?.[kind];
  if (typeof fn !== 'function') return undefined;
  return (params: Record<string, unknown>) => {
    Object.defineProperty(params, ROUTED, { value: true });
    return (fn as AnyFn)(params);
  };
}

export function countPrompt(request: { messages?: unknown; input?: unknown }): number {
  if (request.input !== undefined) return tokenCounter({ text: request.input as string | string[] });
  return tokenCounter({ messages: request.messages as Record<string, unknown>[] });
}

export function countText(text: string): number {
  return tokenCounter({ text, countResponseTokens: true });
}

/** The state a config asks for: Redis when a URL is set (router_settings.redis_url, else FAST_LITELLM_REDIS_URL). */
export function stateFor(config: RouterConfig, cfg: Config, layout?: 'fast-litellm' | 'litellm', prefix?: string):
  RouterState | undefined {
  const url = config.settings.redis_url ?? cfg.rateLimit.redisUrl;
  if (url === undefined) return undefined;
  const keyLayout = layout ?? cfg.router?.keyLayout;
  return new RedisState({ url, keyLayout, keyPrefix: prefix ?? cfg.router?.keyPrefix, warn: warnOnce });
}

/** The process router's state: Redis as configured, or memory with a warning when that cannot be had. */
function processState(config: RouterConfig, cfg: Config): RouterState | undefined {
  try {
    return stateFor(config, cfg);
  } catch (err) {
    warnOnce(`${(err as Error).message}; the router keeps its state in this process`);
    return undefined;
  }
}

export function coreFor(config: RouterConfig, state: RouterState | undefined): RouterCore {
  return new RouterCore({
    config,
    state,
    calls: { completion: deploymentCall('completion'), embedding: deploymentCall('embedding') },
    countTokens: countPrompt,
    countText,
  });
}

/** The config file's sections, with `include`d files' model_list appended (LiteLLM proxy's include). */
function sections(cfg: Config): RawSections {
  const l = cfg.litellm;
  const raw: RawSections = { model_list: l.model_list, router_settings: l.router_settings,
    litellm_settings: l.litellm_settings, environment_variables: l.environment_variables };
  const include = l.include;
  if (Array.isArray(include) && cfg.source.file !== undefined) {
    const list = Array.isArray(raw.model_list) ? [...raw.model_list] : [];
    for (const f of include) {
      if (typeof f !== 'string') continue;
      const { data } = readConfigFile(resolve(dirname(cfg.source.file), f));
      if (Array.isArray(data.model_list)) list.push(...data.model_list);
      for (const k of ['router_settings', 'litellm_settings', 'environment_variables'] as const) raw[k] ??= data[k];
    }
    raw.model_list = list;
  }
  return raw;
}

let built: { litellm: Config['litellm']; core: RouterCore | undefined } | undefined;

/** The process router for the current config (undefined without a model_list). */
export function processRouter(): RouterCore | undefined {
  const cfg = getConfig();
  if (built !== undefined && built.litellm === cfg.litellm) return built.core;
  void built?.core?.close();
  const raw = sections(cfg);
  let core: RouterCore | undefined;
  if (Array.isArray(raw.model_list) && raw.model_list.length > 0) {
    const config = parseRouterConfig(raw, { env: process.env });
    core = coreFor(config, processState(config, cfg));
  }
  built = { litellm: cfg.litellm, core };
  return core;
}

/** The process router's counts (undefined until a routed call built it). */
export function processRouterStats(): ReturnType<RouterCore['stats']> | undefined {
  return built?.core?.stats();
}

export async function closeRouter(): Promise<void> {
  const b = built;
  built = undefined;
  await Promise.all([b?.core?.close(), closeTransport()]);
}

/** `replace` of the router rows: route configured model names, pass everything else to the original. */
export function routed(kind: Kind) {
  return (original: AnyFn): AnyFn =>
    function routedCall(this: unknown, params: Record<string, unknown>) {
      if (params === null || typeof params !== 'object' || (params as Record<symbol, unknown>)[ROUTED] === true) {
        return original.call(this, params);
      }
      let core: RouterCore | undefined;
      try {
        core = processRouter();
      } catch (err) {
        warnOnce(`router: ${(err as Error).message}; calls go to litellm unrouted`);
        throw markInternal(err); // our setup failed: the guard calls the original
      }
      if (core === undefined || !core.handles(params.model)) return original.call(this, params);
      return core.route(kind, params);
    };
}
