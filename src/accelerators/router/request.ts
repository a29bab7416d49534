import { invalidArgument } from '../../errors';
import type { Deployment, FallbackList } from './types';

// What a routed request carries for the router (LiteLLM's per-call kwargs: num_retries, fallbacks,
// timeout...) apart from what goes to the deployment, and what the caller learns back.

export interface Controls {
  num_retries?: number;
  fallbacks?: FallbackList;
  context_window_fallbacks?: FallbackList;
  content_policy_fallbacks?: FallbackList;
  disable_fallbacks?: boolean;
  max_fallbacks?: number;
  /** Seconds. */
  timeout?: number;
  stream_timeout?: number;
  cooldown_time?: number;
}

const CONTROL_KEYS = new Set(['num_retries', 'fallbacks', 'context_window_fallbacks', 'content_policy_fallbacks',
  'disable_fallbacks', 'max_fallbacks', 'timeout', 'request_timeout', 'stream_timeout', 'cooldown_time',
  'specific_deployment']);

function count(where: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  return invalidArgument(where, v, 'an integer >= 0');
}

function seconds(where: string, v: unknown, zero = false): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v) && (zero ? v >= 0 : v > 0)) return v;
  return invalidArgument(where, v, zero ? 'a number of seconds >= 0' : 'a number of seconds > 0');
}

function list(where: string, v: unknown): FallbackList | undefined {
  if (v === undefined || v === null) return undefined;
  // A plain list of groups (LiteLLM's client-side fallbacks) applies to whatever group failed.
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.length > 0 ? [{ '*': v as string[] }] : [];
  const ok = Array.isArray(v) && v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x)
    && Object.keys(x).length === 1 && Array.isArray(Object.values(x)[0]));
  return ok ? (v as FallbackList) : invalidArgument(where, v, 'a list of { <model group>: [<fallback groups>] }');
}

/** The request without the router's controls, and the controls (checked). */
export function splitControls(request: Record<string, unknown>):
  { params: Record<string, unknown>; controls: Controls } {
  const params: Record<string, unknown> = {};
  for (const k of Object.keys(request)) if (!CONTROL_KEYS.has(k)) params[k] = request[k];
  const w = (k: string): string => `router: ${k}`;
  const controls: Controls = {
    num_retries: count(w('num_retries'), request.num_retries),
    fallbacks: list(w('fallbacks'), request.fallbacks),
    context_window_fallbacks: list(w('context_window_fallbacks'), request.context_window_fallbacks),
    content_policy_fallbacks: list(w('content_policy_fallbacks'), request.content_policy_fallbacks),
    disable_fallbacks: request.disable_fallbacks === true ? true : undefined,
    max_fallbacks: count(w('max_fallbacks'), request.max_fallbacks),
    timeout: seconds(w('timeout'), request.timeout ?? request.request_timeout),
    stream_timeout: seconds(w('stream_timeout'), request.stream_timeout),
    cooldown_time: seconds(w('cooldown_time'), request.cooldown_time, true),
  };
  for (const k of Object.keys(controls) as (keyof Controls)[]) if (controls[k] === undefined) delete controls[k];
  return { params, controls };
}

/** An api_base without credentials in it (https://user:pass@host). */
export function safeBase(v: unknown): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  try {
    const u = new URL(v);
    if (u.username === '' && u.password === '') return v;
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, v.endsWith('/') ? '/' : '');
  } catch {
    return undefined;
  }
}

export interface HiddenParams {
  model_id: string;
  model_group: string;
  deployment: string;
  api_base?: string;
  attempted_retries: number;
  max_retries: number;
  attempted_fallbacks: number;
  additional_headers: Record<string, string>;
}

const bases = new WeakMap<Deployment, string | undefined>();

/** LiteLLM's _hidden_params and x-litellm-* headers for a routed answer. */
export function hiddenParams(d: Deployment, group: string, retries: number, maxRetries: number,
  fallbacks: number): HiddenParams {
  let base = bases.get(d);
  if (base === undefined && !bases.has(d)) bases.set(d, (base = safeBase(d.litellmParams.api_base)));
  const headers: Record<string, string> = {
    'x-litellm-model-id': d.id,
    'x-litellm-model-group': group,
    'x-litellm-attempted-retries': String(retries),
    'x-litellm-attempted-fallbacks': String(fallbacks),
  };
  if (retries > 0) headers['x-litellm-max-retries'] = String(maxRetries);
  if (base !== undefined) headers['x-litellm-model-api-base'] = base;
  return {
    model_id: d.id, model_group: group, deployment: d.model, ...(base !== undefined ? { api_base: base } : {}),
    attempted_retries: retries, max_retries: maxRetries, attempted_fallbacks: fallbacks, additional_headers: headers,
  };
}

const SECRET = /api_key|secret|password|credential|session_token|ad_token|access_key|private_key|authorization/i;

/** litellm_params with every secret masked the way LiteLLM prints deployments ("sk**********"). */
export function maskedParams(p: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (SECRET.test(k) && v !== null && v !== undefined) {
      out[k] = `${typeof v === 'string' ? v.slice(0, 2) : ''}**********`;
    }
    else if (k === 'api_base') out[k] = safeBase(v) ?? v;
    else out[k] = v;
  }
  return out;
}

/** A model_list entry as a caller may see it. */
export function maskedEntry(d: Deployment): Record<string, unknown> {
  return { model_name: d.modelName, litellm_params: maskedParams(d.litellmParams), model_info: { ...d.modelInfo } };
}
