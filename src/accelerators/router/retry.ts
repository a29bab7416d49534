import { ROUTER_DEFAULTS } from './defaults';
import { retryableStatus, type ErrorInfo } from './errors';
import type { RetryPolicy, RouterSettings } from './types';

// LiteLLM's retry rules (router.py should_retry_this_error, _time_to_sleep_before_retry,
// utils._calculate_retry_after, router_utils/get_retry_from_policy.py).

export interface RetryFacts {
  e: ErrorInfo;
  /** Group deployments not in cooldown, and all of them. */
  healthy: number;
  all: number;
  hasContextWindowFallbacks: boolean;
  hasContentPolicyFallbacks: boolean;
  hasFallbacks: boolean;
}

/** False when LiteLLM raises instead of retrying (in its order). */
export function shouldRetry(f: RetryFacts): boolean {
  const { e } = f;
  if (e.kind === 'context_window' && f.hasContextWindowFallbacks) return false;
  if (e.kind === 'content_policy' && f.hasContentPolicyFallbacks) return false;
  if (!retryableStatus(e.status) && e.status !== 401 && e.status !== 403) return false;
  if (e.kind === 'not_found') return false;
  if (e.kind === 'rate_limit' && f.healthy <= 0 && f.hasFallbacks) return false;
  if ((e.kind === 'auth' || e.kind === 'permission') && f.all <= 1) return false;
  return f.healthy > 0;
}

const POLICY_FIELD: Partial<Record<ErrorInfo['kind'], keyof RetryPolicy>> = {
  auth: 'AuthenticationErrorRetries',
  timeout: 'TimeoutErrorRetries',
  rate_limit: 'RateLimitErrorRetries',
  content_policy: 'ContentPolicyViolationErrorRetries',
  context_window: 'BadRequestErrorRetries',
  bad_request: 'BadRequestErrorRetries',
  server: 'InternalServerErrorRetries',
  bad_gateway: 'InternalServerErrorRetries',
  service_unavailable: 'InternalServerErrorRetries',
};

/** Retries a retry policy grants for this error (model group's first), or undefined when none applies. */
export function policyRetries(e: ErrorInfo, group: string, settings: RouterSettings): number | undefined {
  const policy = settings.model_group_retry_policy[group] ?? settings.retry_policy;
  if (policy === undefined) return undefined;
  if (e.status === 404 && policy.NotFoundErrorRetries !== undefined) return policy.NotFoundErrorRetries;
  const field = POLICY_FIELD[e.kind];
  return (field === undefined ? undefined : policy[field]) ?? policy.DefaultRetries;
}

/**
 * Seconds to wait before a retry: none when a healthy sibling can take it; else Retry-After up to
 * 60 s (plus jitter), else 0.5 x 2^n clamped to [retry_after, 8], plus up to 0.75 s of jitter.
 */
export function retryDelay(e: ErrorInfo, remaining: number, max: number, healthy: number, all: number,
  settings: RouterSettings, random: () => number): number {
  if (all !== 1 && healthy > 0) return 0;
  const jitter = ROUTER_DEFAULTS.jitter * random();
  const ra = e.retryAfter;
  if (ra !== undefined && ra > 0 && ra <= ROUTER_DEFAULTS.maxRetryAfter) return ra + jitter;
  const n = max - remaining;
  let s = ROUTER_DEFAULTS.initialRetryDelay * 2 ** n;
  s = Math.max(s, settings.retry_after);
  s = Math.min(s, ROUTER_DEFAULTS.maxRetryDelay);
  return s + jitter;
}
