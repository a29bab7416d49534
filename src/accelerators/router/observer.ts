import type { Deployment } from './types';

// The router's decisions as it makes them, for whoever watches (telemetry): outcomes per deployment,
// cooldowns, fallbacks. Nobody watches by default; the router's behaviour never depends on it.

/**
 * What the router decides, as it decides it (telemetry reads it). Every method is optional and is
 * called synchronously; one that throws is ignored, never the call's concern.
 */
export interface RouterObserver {
  /**
   * A call to a deployment ended. A failure names the error's class (its constructor's name, else its
   * `name`) and the HTTP status the router read from it (connection errors count as 500, as in LiteLLM).
   */
  onOutcome?(deployment: Deployment, outcome: 'success' | 'failure', errorClass?: string, status?: number): void;
  /** The deployment cools down until `until` (ms on the router's clock, Date.now unless `now` was given). */
  onCooldown?(deployment: Deployment, until: number): void;
  /** A call asking for group `from` fell back to group `to`; `ok`: whether `to` answered it. */
  onFallback?(from: string, to: string, ok: boolean): void;
}

export const NO_OBSERVER: RouterObserver = Object.freeze({});

/** The error's class name as an observer gets it (never its message). */
export function errorClassOf(err: unknown): string {
  if (err === null || typeof err !== 'object') return typeof err;
  const ctor = (err as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof ctor === 'string' && ctor !== '' && ctor !== 'Error' && ctor !== 'Object') return ctor;
  const name = (err as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : 'Error';
}
