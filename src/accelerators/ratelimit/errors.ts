import { CODES } from '../../errors';
import type { CheckResult, LimitSpec, LimitType } from './options';

/** The `code` of every RateLimitError (kept as an export: apps compare against it). */
export const RATE_LIMITED = CODES.RATE_LIMITED;

export interface RateLimitErrorInit {
  result: CheckResult;
  spec: Pick<LimitSpec, 'rpm' | 'tpm' | 'maxParallel' | 'windowMs'>;
  /** Which limit scope denied: 'global', 'model', 'api_key'... (never the api key itself). */
  scope?: string;
  /** Set when a wait was attempted and gave up. */
  waitedMs?: number;
}

const secs = (ms: number): string => String(Math.max(0, Math.ceil(ms / 1000)));
/** A remainder for a header: an integer >= 0, or the limit itself when that limit was not checked. */
const left = (remaining: number, limit: number): string =>
  String(Number.isFinite(remaining) ? Math.max(0, Math.floor(remaining)) : limit);

/**
 * 429 with headers in the style LiteLLM proxy sends: OpenAI-compatible
 * `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (integers; reset in seconds),
 * `retry-after` in seconds and `rate_limit_type` naming the limit that was hit.
 */
export function rateLimitHeaders(init: RateLimitErrorInit): Record<string, string> {
  const { result: r, spec } = init;
  const h: Record<string, string> = {};
  if (Number.isFinite(r.retryAfterMs)) h['retry-after'] = secs(r.retryAfterMs);
  h['rate_limit_type'] = r.limitType;
  if (spec.rpm > 0) {
    h['x-ratelimit-limit-requests'] = String(spec.rpm);
    h['x-ratelimit-remaining-requests'] = left(r.remainingRequests, spec.rpm);
    if (r.limitType === 'requests') h['x-ratelimit-reset-requests'] = secs(r.resetMs);
  }
  if (spec.tpm > 0) {
    h['x-ratelimit-limit-tokens'] = String(spec.tpm);
    h['x-ratelimit-remaining-tokens'] = left(r.remainingTokens, spec.tpm);
    if (r.limitType === 'tokens') h['x-ratelimit-reset-tokens'] = secs(r.resetMs);
  }
  if (spec.maxParallel > 0) {
    h['x-ratelimit-limit-max_parallel_requests'] = String(spec.maxParallel);
    if (r.limitType === 'max_parallel_requests') h['x-ratelimit-remaining-max_parallel_requests'] = String(r.remaining);
  }
  return h;
}

export class RateLimitError extends Error {
  readonly code = RATE_LIMITED;
  readonly status = 429;
  readonly statusCode = 429;
  readonly retryAfterMs: number;
  readonly limitType: LimitType;
  readonly limit: number;
  readonly remaining: number;
  readonly resetMs: number;
  readonly scope: string | undefined;
  readonly headers: Record<string, string>;

  constructor(init: RateLimitErrorInit) {
    const r = init.result;
    const where = init.scope ? ` (${init.scope})` : '';
    const retry = Number.isFinite(r.retryAfterMs)
      ? `retry after ${Math.ceil(r.retryAfterMs)} ms`
      : 'this request alone exceeds the limit';
    const waited = init.waitedMs !== undefined ? `, gave up after waiting ${Math.round(init.waitedMs)} ms` : '';
    super(`Rate limit exceeded${where}: ${r.limitType} limit ${r.limit}, ${retry}${waited}`);
    this.name = 'RateLimitError';
    this.retryAfterMs = r.retryAfterMs;
    this.limitType = r.limitType;
    this.limit = r.limit;
    this.remaining = r.remaining;
    this.resetMs = r.resetMs;
    this.scope = init.scope;
    this.headers = rateLimitHeaders(init);
  }
}
