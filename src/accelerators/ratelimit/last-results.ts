import type { LimitSpec, CheckResult } from './options';

// What each limit scope said last, per model: the requests and tokens left in its window after the
// latest check that let a call through or refused it. Read-only from outside (telemetry's gauges);
// recording it never changes a decision. Bounded: models come from callers.

export interface ScopeResult {
  /** model_per_key, model or api_key (never an API key). */
  readonly scope: string;
  /** The model the call named. */
  readonly model: string;
  /** As the x-ratelimit-remaining-requests header says it; undefined when the scope has no rpm. */
  readonly remainingRequests?: number;
  /** As x-ratelimit-remaining-tokens says it; undefined when the scope has no tpm. */
  readonly remainingTokens?: number;
}

interface Cell {
  remainingRequests?: number;
  remainingTokens?: number;
}

const MAX_MODELS = 1000;
const byScope = new Map<string, Map<string, Cell>>();

/** A remainder as the headers give it: an integer >= 0, or the limit itself when it was not checked. */
const left = (remaining: number, limit: number): number =>
  (Number.isFinite(remaining) ? Math.max(0, Math.floor(remaining)) : limit);

function cellOf(scope: string, model: string): Cell | undefined {
  let models = byScope.get(scope);
  if (models === undefined) byScope.set(scope, (models = new Map()));
  let c = models.get(model);
  if (c === undefined) {
    if (models.size >= MAX_MODELS) return undefined;
    models.set(model, (c = {}));
  }
  return c;
}

/** A check's result (admitted calls). */
export function noteResult(scope: string, model: string, r: CheckResult, spec: Readonly<LimitSpec>): void {
  // A fail-open grant (the store did not answer) knows nothing of the window.
  if ((spec.rpm === 0 && spec.tpm === 0) || r.limitType === 'store_unavailable') return;
  const c = cellOf(scope, model);
  if (c === undefined) return;
  c.remainingRequests = spec.rpm > 0 ? left(r.remainingRequests, spec.rpm) : undefined;
  c.remainingTokens = spec.tpm > 0 ? left(r.remainingTokens, spec.tpm) : undefined;
}

/** A denial, from the RateLimitError's headers (the same numbers). */
export function noteDenial(scope: string, model: string, headers: Readonly<Record<string, string>>): void {
  const num = (h: string | undefined): number | undefined => (h === undefined ? undefined : Number(h));
  const requests = num(headers['x-ratelimit-remaining-requests']);
  const tokens = num(headers['x-ratelimit-remaining-tokens']);
  if (requests === undefined && tokens === undefined) return;
  const c = cellOf(scope, model);
  if (c === undefined) return;
  c.remainingRequests = requests;
  c.remainingTokens = tokens;
}

/** The last result of every scope and model, as a copy. */
export function lastScopeResults(): ScopeResult[] {
  const out: ScopeResult[] = [];
  for (const [scope, models] of byScope) {
    for (const [model, c] of models) {
      const { remainingRequests, remainingTokens } = c;
      out.push(Object.freeze({ scope, model, remainingRequests, remainingTokens }));
    }
  }
  return out;
}

/** Tests: forget every result. */
export function clearScopeResults(): void {
  byScope.clear();
}
