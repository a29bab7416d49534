import { DeploymentTimeoutError } from './errors';
import type { Deployment } from './types';

// One call to one deployment under a deadline. The caller's AbortSignal and the timeout both
// abort the signal the call function gets; a call function that cannot abort (litellm's handlers
// take no signal) is raced, so the router stops waiting at the deadline either way. A result that
// arrives after the deadline is dropped (a stream is closed). The deadline timer is ref'd: it is
// cleared with the call and bounded by the timeout.

export type CallFn = (deployment: Deployment, params: Record<string, unknown>, signal: AbortSignal) => Promise<unknown>;

export class CallerAbort extends Error {
  constructor(readonly reason: unknown) {
    super('aborted');
  }
}

function closeLate(v: unknown): void {
  const it = v as { return?: () => unknown } | null;
  if (it !== null && typeof it === 'object' && typeof it.return === 'function') {
    try {
      void Promise.resolve(it.return()).catch(() => undefined);
    } catch {
      // a stream that cannot be closed just runs out
    }
  }
}

/** Runs `call` with a deadline (seconds; undefined: none) and the caller's signal. */
/** Given to calls with neither a deadline nor a caller's signal: nothing can abort them. */
const NEVER = new AbortController().signal;

export function callWithDeadline(call: CallFn, d: Deployment, params: Record<string, unknown>,
  seconds: number | undefined, caller: AbortSignal | undefined): Promise<unknown> {
  if (caller?.aborted) return Promise.reject(new CallerAbort(caller.reason));
  if (seconds === undefined && caller === undefined) {
    try {
      return Promise.resolve(call(d, params, NEVER));
    } catch (err) {
      return Promise.reject(err);
    }
  }
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  let onAbort: (() => void) | undefined;
  return new Promise<unknown>((resolve, reject) => {
    const done = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      if (onAbort !== undefined) caller?.removeEventListener('abort', onAbort);
      return true;
    };
    if (seconds !== undefined) {
      timer = setTimeout(() => {
        if (!done()) return;
        const err = new DeploymentTimeoutError(d.id, seconds);
        ctl.abort(err);
        reject(err);
      }, Math.max(1, Math.round(seconds * 1000)));
    }
    if (caller !== undefined) {
      onAbort = () => {
        if (!done()) return;
        ctl.abort(caller.reason);
        reject(new CallerAbort(caller.reason));
      };
      caller.addEventListener('abort', onAbort, { once: true });
    }
    let p: Promise<unknown>;
    try {
      p = Promise.resolve(call(d, params, ctl.signal));
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (v) => (done() ? resolve(v) : closeLate(v)),
      (err) => {
        if (done()) reject(err);
      },
    );
  });
}

/**
 * A wait before a retry, cut short by the caller's abort. Ref'd, as the deadline above: the app
 * awaits both (bounded: 60 s at most), and an unref'd one would let a lone script exit mid-call.
 */
export function sleep(ms: number, caller: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      caller?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CallerAbort(caller!.reason));
    };
    caller?.addEventListener('abort', onAbort, { once: true });
  });
}
