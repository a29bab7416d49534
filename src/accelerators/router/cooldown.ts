import { ROUTER_DEFAULTS } from './defaults';
import { retryableStatus, type ErrorInfo, type ErrorKind } from './errors';
import type { AllowedFailsPolicy, Deployment, RouterSettings } from './types';

// LiteLLM's cooldown rules (router_utils/cooldown_handlers.py, current):
//  - no cooldown: disable_cooldowns, a cooldown time of 0, a connection error, a 4xx other than
//    401/404/408/429, a `provider/*` deployment;
//  - allowed_fails / allowed_fails_policy set: cool once a deployment fails more than allowed
//    within the cooldown time;
//  - otherwise: a 429 cools at once when the group has siblings; more than 50% failures over at
//    least 5 calls this minute cools (not a single-deployment group); every call failing at high
//    traffic (1000 a minute) cools even a single deployment; 401 and 404 always cool.

/** Seconds a failure cools for: the deployment's cooldown_time, else Retry-After, else the router's. */
export function cooldownSeconds(d: Deployment, e: ErrorInfo, settings: RouterSettings): number {
  if (d.cooldownTime !== undefined && d.cooldownTime >= 0) return d.cooldownTime;
  if (e.retryAfter !== undefined && e.retryAfter >= 0) return e.retryAfter;
  return settings.cooldown_time;
}

/** LiteLLM's _is_cooldown_required. */
export function cooldownRequired(e: ErrorInfo): boolean {
  if (e.kind === 'connection') return false;
  if (e.status >= 400 && e.status < 500) {
    return e.status === 429 || e.status === 401 || e.status === 408 || e.status === 404;
  }
  return true;
}

const POLICY_FIELD: Partial<Record<ErrorKind, keyof AllowedFailsPolicy>> = {
  content_policy: 'ContentPolicyViolationErrorAllowedFails',
  context_window: 'BadRequestErrorAllowedFails',
  bad_request: 'BadRequestErrorAllowedFails',
  auth: 'AuthenticationErrorAllowedFails',
  timeout: 'TimeoutErrorAllowedFails',
  rate_limit: 'RateLimitErrorAllowedFails',
  server: 'InternalServerErrorAllowedFails',
  service_unavailable: 'ServiceUnavailableErrorAllowedFails',
  bad_gateway: 'BadGatewayErrorAllowedFails',
  not_found: 'NotFoundErrorAllowedFails',
};

export function allowedFailsFor(e: ErrorInfo, settings: RouterSettings): number | undefined {
  const field = POLICY_FIELD[e.kind];
  const fromPolicy = field === undefined ? undefined : settings.allowed_fails_policy?.[field];
  return fromPolicy ?? settings.allowed_fails;
}

/** True when allowed_fails counting replaces the failure-rate rules (LiteLLM's v1 path). */
export function countsAllowedFails(settings: RouterSettings): boolean {
  // LiteLLM treats allowed_fails equal to litellm.allowed_fails (3) as not set.
  const set = settings.allowed_fails !== undefined && settings.allowed_fails !== ROUTER_DEFAULTS.allowedFails;
  return settings.allowed_fails_policy !== undefined || set;
}

export interface FailureFacts {
  e: ErrorInfo;
  /** Deployments in the group (1: a single-deployment group). */
  groupSize: number;
  /** This minute's counts, this failure included. */
  successes: number;
  fails: number;
  /** Failures within the cooldown time, this one included (allowed_fails counting). */
  recentFails: number;
}

/** LiteLLM's _should_cooldown_deployment (after _should_run_cooldown_logic said yes). */
export function shouldCooldown(f: FailureFacts, settings: RouterSettings): boolean {
  if (countsAllowedFails(settings)) {
    const allowed = allowedFailsFor(f.e, settings) ?? ROUTER_DEFAULTS.allowedFails;
    return f.recentFails > allowed;
  }
  const single = f.groupSize === 1;
  const total = f.successes + f.fails;
  const percentFails = total > 0 ? f.fails / total : 0;
  if (f.e.status === 429 && !single) return true;
  if (percentFails === 1 && total >= ROUTER_DEFAULTS.singleDeploymentTrafficFailureThreshold) return true;
  if (percentFails > ROUTER_DEFAULTS.failureThresholdPercent && total >= ROUTER_DEFAULTS.failureThresholdMinimumRequests
    && !single) return true;
  return !retryableStatus(f.e.status);
}

/** LiteLLM's _should_run_cooldown_logic: whether this failure can cool the deployment at all. */
export function cooldownApplies(d: Deployment, e: ErrorInfo, seconds: number, settings: RouterSettings): boolean {
  if (Math.abs(seconds) < 1e-9) return false;
  if (settings.disable_cooldowns) return false;
  if (!cooldownRequired(e)) return false;
  return !d.wildcard;
}
