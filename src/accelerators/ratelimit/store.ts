import type { CheckResult, LimitSpec } from './options';

/**
 * What a RateLimiter needs from a store. The algorithm runs inside the store so that a shared store
 * (Redis) can apply it atomically; a sync store returns plain values, an async one promises.
 */
export interface RateLimitStore {
  /** true when consume/adjust return promises. */
  readonly async: boolean;
  /** Called by each RateLimiter using the store; may refuse a spec it cannot hold. */
  bind(spec: LimitSpec): void;
  /**
   * All-or-nothing: counts 1 request, `cost` tokens and (when `acquire`) one parallel slot if every
   * configured limit allows it; counts nothing otherwise.
   */
  consume(key: string, cost: number, acquire: boolean, now: number, spec: LimitSpec): CheckResult | Promise<CheckResult>;
  /** Adds deltas (negative to refund, release or reconcile down); counts never go below zero. */
  adjust(key: string, dRequests: number, dTokens: number, dParallel: number, now: number, spec: LimitSpec): void | Promise<void>;
  close?(): void | Promise<void>;
}

const PARALLEL_RETRY_MS = 50;

/** retryAfter for a two-bucket sliding window (see memory-store.ts for the estimate). */
export function slidingRetryAfter(limit: number, cost: number, cur: number, prev: number, elapsed: number, W: number): number {
  if (cost > limit) return Infinity;
  if (cur + cost > limit) {
    // Must wait for the next window, then for this window's weight to decay enough.
    const e2 = W * (1 - (limit - cost) / cur);
    return Math.max(1, Math.ceil(W - elapsed + Math.max(0, e2)));
  }
  const e = W * (1 - (limit - cost - cur) / prev);
  return Math.max(1, Math.ceil(e - elapsed));
}

export { PARALLEL_RETRY_MS };

export function deny(limitType: CheckResult['limitType'], limit: number, remaining: number, resetMs: number,
  retryAfterMs: number, remainingRequests: number, remainingTokens: number): CheckResult {
  return { allowed: false, remaining, limit, resetMs, retryAfterMs, limitType, remainingRequests, remainingTokens };
}
