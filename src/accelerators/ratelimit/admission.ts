import { RateLimitError } from './errors';
import { noteDenial, noteResult } from './last-results';
import type { Lease, RateLimiter } from './limiter';

/** One limit a call is checked against: a limiter and the key the call counts under there. */
export interface Scope {
  readonly limiter: RateLimiter;
  readonly key: string;
  /** Named in a RateLimitError (never holds an API key). */
  readonly scope: string;
  /** The model the call named: its scope's last result is kept under it (lastScopeResults()). */
  readonly model?: string;
}

/** A call let through every scope: the leases it holds until settled. */
export class Admission {
  readonly #leases: Lease[];
  #settled = false;

  constructor(leases: Lease[]) {
    this.#leases = leases;
  }

  /**
   * Ends the call: gives each scope the tokens really used (when given; an odd value keeps the
   * reservation) and frees its parallel slot. Once; never throws, and releases whatever reconcile does.
   */
  settle(usedTokens?: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    for (const l of this.#leases) {
      try {
        if (usedTokens !== undefined) void l.reconcile(usedTokens);
      } catch {
        // reconcile never throws; a release must run regardless
      } finally {
        void l.release();
      }
    }
  }
}

/** All or nothing across scopes: what earlier scopes granted is given back when a later one denies. */
function refundAll(leases: Lease[]): void {
  for (const l of leases) void l.refund();
}

const tokensFor = (s: Scope, tokens: number): number => (s.limiter.spec.tpm ? tokens : 0);

/** Keeps what the scope said (a granted lease's result, or a denial's headers). */
function note(s: Scope, lease: Lease | undefined, err?: unknown): void {
  if (s.model === undefined) return;
  if (lease !== undefined) noteResult(s.scope, s.model, lease.result, s.limiter.spec);
  else if (err instanceof RateLimitError) noteDenial(s.scope, s.model, err.headers);
}

/** Every scope at once on sync stores without waiting: no promise at all on this common path. */
export function admitNow(scopes: readonly Scope[], tokens: number): Admission {
  const leases: Lease[] = [];
  try {
    for (const s of scopes) {
      let lease: Lease;
      try {
        lease = s.limiter.acquire(s.key, { tokens: tokensFor(s, tokens), scope: s.scope }) as Lease;
      } catch (err) {
        note(s, undefined, err);
        throw err;
      }
      note(s, lease);
      leases.push(lease);
    }
  } catch (err) {
    refundAll(leases);
    throw err;
  }
  return new Admission(leases);
}

/** Every scope in turn, waiting up to maxWaitMs in all (0: deny at once). */
export async function admit(scopes: readonly Scope[], tokens: number, maxWaitMs: number): Promise<Admission> {
  const leases: Lease[] = [];
  const deadline = performance.now() + maxWaitMs;
  try {
    for (const s of scopes) {
      const wait = maxWaitMs > 0 ? Math.max(0, deadline - performance.now()) : 0;
      let lease: Lease;
      try {
        lease = await s.limiter.acquire(s.key, { tokens: tokensFor(s, tokens), maxWaitMs: wait, scope: s.scope });
      } catch (err) {
        note(s, undefined, err);
        throw err;
      }
      note(s, lease);
      leases.push(lease);
    }
  } catch (err) {
    refundAll(leases);
    throw err;
  }
  return new Admission(leases);
}
