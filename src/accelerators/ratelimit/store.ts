import type { CheckResult, LimitSpec } from './options';

/**
 * What a RateLimiter needs from a store. The algorithm runs inside the store so that a shared store
 * (Redis) can apply it atomically; a sync store returns plain values, an async one promises.
 *
 * Parallel slots are taken under a slot id chosen by the limiter (one per lease). A store whose slots
 * can outlive their holder (another process, a lost release) keeps each as a lease that expires after
 * `slotTtlMs` unless refreshed; releasing an id that holds nothing is a no-op, so a release can never
 * free a slot another call holds.
 */
export interface RateLimitStore {
  /** true when consume/adjust/release return promises. */
  readonly async: boolean;
  /** Set when slots expire unless refresh() is called: the limiter then refreshes held slots. */
  readonly slotTtlMs?: number;
  /** Called by each RateLimiter using the store; may refuse a spec it cannot hold. */
  bind(spec: LimitSpec): void;
  /**
   * All-or-nothing: counts 1 request, `cost` tokens and (when `slot` is an id) takes one parallel slot
   * if every configured limit allows it; counts nothing otherwise. An allowed result with limitType
   * 'store_unavailable' was granted without the store (fail-open): it counted nothing and holds no slot.
   */
  consume(key: string, cost: number, slot: string | false, now: number,
    spec: LimitSpec): CheckResult | Promise<CheckResult>;
  /** Adds deltas (negative to refund or reconcile down); counts never go below zero. */
  adjust(key: string, dRequests: number, dTokens: number, now: number, spec: LimitSpec): void | Promise<void>;
  /** Frees the slot taken under `slot`; a no-op when it holds none. Never rejects. */
  release(key: string, slot: string, now: number, spec: LimitSpec): void | Promise<void>;
  /** Extends the lease of a held slot (stores with slotTtlMs). Never rejects. */
  refresh?(key: string, slot: string, now: number, spec: LimitSpec): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** retryAfter of a parallel-slot denial: a poll interval (a release in this process wakes waiters at once). */
export const PARALLEL_RETRY_MS = 50;

/** retryAfter for a two-bucket sliding window (see sliding-window.ts for the estimate). */
export function slidingRetryAfter(limit: number, cost: number, cur: number, prev: number, elapsed: number,
  W: number): number {
  if (cost > limit) return Infinity;
  if (cur + cost > limit) {
    // Must wait for the next window, then for this window's weight to decay enough.
    const e2 = W * (1 - (limit - cost) / cur);
    return Math.max(1, Math.ceil(W - elapsed + Math.max(0, e2)));
  }
  const e = W * (1 - (limit - cost - cur) / prev);
  return Math.max(1, Math.ceil(e - elapsed));
}

export function deny(limitType: CheckResult['limitType'], limit: number, remaining: number, resetMs: number,
  retryAfterMs: number, remainingRequests: number, remainingTokens: number): CheckResult {
  return { allowed: false, remaining, limit, resetMs, retryAfterMs, limitType, remainingRequests, remainingTokens };
}
