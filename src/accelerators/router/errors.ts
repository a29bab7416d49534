import { CODES } from '../../errors';

// The router's own errors, and how it reads a provider's error (status, Retry-After, kind) the
// way LiteLLM's exception mapping does. Provider errors are never wrapped or changed.

/** LiteLLM's 429 when no deployment of a group can take the call (all cooling down, or over limits). */
export class NoDeploymentsAvailableError extends Error {
  readonly code = CODES.NO_DEPLOYMENTS;
  readonly status = 429;
  readonly statusCode = 429;
  /** Seconds until the shortest cooldown of the group ends (the router default when none is running). */
  readonly cooldownTime: number;
  readonly modelGroup: string;
  readonly headers: Record<string, string>;

  constructor(model: string, cooldownTime: number, cooldownList: string[], preCallChecks: boolean, allCooled: boolean) {
    const reason = allCooled ? ' All deployments for selected model are in cooldown.' : '';
    super(`No deployments available for selected model, Try again in ${cooldownTime} seconds.${reason} Passed `
      + `model=${model}. pre-call-checks=${preCallChecks ? 'True' : 'False'}, `
      + `cooldown_list=${JSON.stringify(cooldownList)}`);
    this.name = 'NoDeploymentsAvailableError';
    this.cooldownTime = cooldownTime;
    this.modelGroup = model;
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(cooldownTime))) };
  }
}

/** enable_pre_call_checks found no deployment whose context window holds the prompt. */
export class ContextWindowExceededError extends Error {
  readonly code = CODES.CONTEXT_WINDOW_EXCEEDED;
  readonly status = 400;
  readonly statusCode = 400;

  constructor(model: string, tokens: number) {
    super(`litellm._pre_call_checks: Context Window exceeded for given call. No models have context window large `
      + `enough for this call. model=${model}, prompt tokens=${tokens}`);
    this.name = 'ContextWindowExceededError';
  }
}

/** A deployment did not answer within its timeout (LiteLLM's litellm.Timeout, 408). */
export class DeploymentTimeoutError extends Error {
  readonly code = CODES.DEPLOYMENT_TIMEOUT;
  readonly status = 408;
  readonly statusCode = 408;

  constructor(readonly deploymentId: string, readonly timeoutSeconds: number) {
    super(`Request timed out after ${timeoutSeconds} seconds (deployment ${deploymentId})`);
    this.name = 'DeploymentTimeoutError';
  }
}

export type ErrorKind = 'context_window' | 'content_policy' | 'bad_request' | 'auth' | 'permission' | 'not_found'
  | 'timeout' | 'rate_limit' | 'server' | 'bad_gateway' | 'service_unavailable' | 'connection' | 'other';

export interface ErrorInfo {
  /** HTTP status; connection errors count as 500 (LiteLLM's APIConnectionError). */
  status: number;
  kind: ErrorKind;
  /** Seconds from Retry-After (retry-after-ms, retry-after as seconds or an HTTP date). */
  retryAfter?: number;
}

type HeaderBag = { get?(name: string): string | null } | Record<string, unknown>;

function header(h: HeaderBag | undefined, name: string): string | undefined {
  if (h === undefined || h === null || typeof h !== 'object') return undefined;
  if (typeof (h as { get?: unknown }).get === 'function') {
    const v = (h as { get(n: string): string | null }).get(name);
    return v ?? undefined;
  }
  const v = (h as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : undefined;
}

/** Retry-After in seconds, or undefined (LiteLLM's _get_retry_after_from_exception_header). */
export function retryAfterOf(headers: HeaderBag | undefined, now = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && Number.isFinite(Number(ms))) return Number(ms) / 1000;
  const ra = header(headers, 'retry-after');
  if (ra === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Number(ra);
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

const CONTEXT_WINDOW = new RegExp(['context[_ ]length', 'context window', 'maximum context', 'too many tokens',
  'prompt is too long', 'input is too long', 'reduce the length'].join('|'), 'i');
const CONTENT_POLICY = /content[_ ]?policy|content_filter|content management policy|safety system/i;

type Bag = Record<string, unknown> | undefined;

function statusOf(err: Record<string, unknown>): number | undefined {
  for (const v of [err.status, err.status_code, err.statusCode, (err.response as Bag)?.status]) {
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^\d{3}$/.test(v)) return Number(v);
  }
  return undefined;
}

/** How the router reads an error thrown by a deployment call. */
export function classify(e: unknown): ErrorInfo {
  const err = (e !== null && typeof e === 'object' ? e : {}) as Record<string, unknown>;
  const message = typeof err.message === 'string' ? err.message : String(e);
  const inner = (err.error as Bag)?.code;
  const code = typeof err.code === 'string' ? err.code : typeof inner === 'string' ? inner : '';
  const headers = (err.headers ?? (err.response as Bag)?.headers) as HeaderBag | undefined;
  const retryAfter = retryAfterOf(headers);
  const status = statusOf(err);
  const info = (s: number, kind: ErrorKind): ErrorInfo =>
    (retryAfter === undefined ? { status: s, kind } : { status: s, kind, retryAfter });
  if (err.code === CODES.CONTEXT_WINDOW_EXCEEDED) return info(400, 'context_window');
  if (status === undefined) {
    // No HTTP answer at all: LiteLLM's APIConnectionError (500), or its Timeout (408).
    if (err.name === 'TimeoutError' || /timed? ?out/i.test(message)) return info(408, 'timeout');
    return info(500, 'connection');
  }
  if (status === 400 || status === 413 || status === 422) {
    if (code === 'context_length_exceeded' || CONTEXT_WINDOW.test(message)) return info(status, 'context_window');
    if (code === 'content_policy_violation' || code === 'content_filter' || CONTENT_POLICY.test(message)) {
      return info(status, 'content_policy');
    }
    return info(status, 'bad_request');
  }
  if (status === 401) return info(status, 'auth');
  if (status === 403) return info(status, 'permission');
  if (status === 404) return info(status, 'not_found');
  if (status === 408) return info(status, 'timeout');
  if (status === 429) return info(status, 'rate_limit');
  if (status === 502) return info(status, 'bad_gateway');
  if (status === 503) return info(status, 'service_unavailable');
  if (status >= 500) return info(status, 'server');
  return info(status, 'other');
}

/** LiteLLM's _should_retry: 408, 409, 429 and 5xx are worth another try. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
