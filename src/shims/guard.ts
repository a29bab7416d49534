import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { FeatureName } from '../config';
import { getConfig } from '../config';
import { statsFor } from '../stats/registry';
import { OFF as OFF_CODE, ROLLOUT as ROLLOUT_CODE, SHADOW as SHADOW_CODE, featureState, inRollout, recordError } from './features';

// Local copies: the wrapper's hot path compares against these on every call, and an imported binding
// is a getter call under some CommonJS transforms (esbuild's, which tsx and vitest use).
const OFF = OFF_CODE;
const SHADOW = SHADOW_CODE;
const ROLLOUT = ROLLOUT_CODE;
/** Accelerated calls timed one by one before sampling starts, and the sampling period after. */
const TIME_ALL = 256;
const TIME_EVERY = 16;

// Any function, callable with anything: with `unknown` parameters no specific function would be assignable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFn = (this: any, ...args: any[]) => any;

export interface GuardSpec<F extends AnyFn> {
  /** Stable name used in stats and status, e.g. 'litellm.toUsage'. */
  component: string;
  feature: FeatureName;
  original: F;
  accelerated: F;
  /** Both paths return promises; a rejection of the accelerated one is handled like a throw. */
  async?: boolean;
  /**
   * The call acts outside the process (HTTP). Shadow mode then runs the original only (never twice
   * the side effect), and only errors marked with markInternal() fall back: a provider's 429 thrown
   * through the accelerated path is the library's answer, re-thrown unchanged.
   */
  sideEffects?: boolean;
  /** Shadow comparison; default: node's isDeepStrictEqual. */
  equals?: (original: unknown, accelerated: unknown) => boolean;
  /** Request id for sticky rollout, read from the call's arguments. */
  requestId?: (args: IArguments) => string | undefined;
}

const INTERNAL = Symbol.for('fast-litellm.internal-error');

/** Marks an error as a failure of our own path (not the library's answer), so the guard falls back. */
export function markInternal<E>(err: E): E {
  if (err !== null && typeof err === 'object') (err as Record<symbol, unknown>)[INTERNAL] = true;
  return err;
}

function isInternal(err: unknown): boolean {
  return err !== null && typeof err === 'object' && (err as Record<symbol, unknown>)[INTERNAL] === true;
}

const GUARDED = Symbol.for('fast-litellm.guarded');

export function isGuarded(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[GUARDED] !== undefined;
}

/** The original behind a guarded wrapper (or the function itself). */
export function unwrap<F>(fn: F): F {
  const spec = typeof fn === 'function' ? ((fn as unknown as Record<symbol, GuardSpec<AnyFn>>)[GUARDED]) : undefined;
  return (spec?.original as F) ?? fn;
}

/**
 * Wraps one original with one accelerated function. The feature's mode is read on every call
 * (so flags, auto-disable and resetErrors act at once); with the feature off the wrapper costs
 * one comparison before calling the original.
 */
export function guard<F extends AnyFn>(spec: GuardSpec<F>): F {
  const { original, accelerated, sideEffects = false } = spec;
  const state = featureState(spec.feature);
  const stats = statsFor(spec.component, spec.feature);
  const equals = spec.equals ?? isDeepStrictEqual;
  const requestId = spec.requestId;
  const handleAsync = spec.async === true;

  const wrapper = function (this: unknown): unknown {
    const code = state.code;
    if (code === OFF) return original.apply(this, arguments as unknown as unknown[]);
    if (code === SHADOW) return shadow(this, arguments);
    if (code === ROLLOUT && !inRollout(state, requestId?.(arguments))) {
      stats.calls++;
      stats.original++;
      return original.apply(this, arguments as unknown as unknown[]);
    }
    const calls = ++stats.calls;
    // Two clock reads cost ~80 ns, as much as a memoised token count: the first calls are all timed,
    // then one in TIME_EVERY (enough for the quantiles, which are all the timings feed).
    const timed = calls <= TIME_ALL || calls % TIME_EVERY === 0;
    const t0 = timed ? performance.now() : 0;
    let result: unknown;
    try {
      result = accelerated.apply(this, arguments as unknown as unknown[]);
    } catch (err) {
      return fallback(this, arguments, err);
    }
    if (handleAsync && isThenable(result)) {
      const args = arguments;
      return result.then(
        (value) => {
          if (timed) stats.acceleratedNs.record((performance.now() - t0) * 1e6);
          stats.accelerated++;
          return value;
        },
        (err: unknown) => fallback(this, args, err),
      );
    }
    if (timed) stats.acceleratedNs.record((performance.now() - t0) * 1e6);
    stats.accelerated++;
    return result;
  } as unknown as F;

  function fallback(self: unknown, args: IArguments, err: unknown): unknown {
    if (sideEffects && !isInternal(err)) {
      // The library's own answer (an HTTP error, an abort): not ours to retry.
      stats.accelerated++;
      throw err;
    }
    // Run the original: if it fails too, the input was bad and the original's error is the answer.
    const t0 = performance.now();
    const result = original.apply(self, args as unknown as unknown[]);
    if (handleAsync && isThenable(result)) {
      return result.then((value) => {
        countFallback(t0);
        return value;
      });
    }
    countFallback(t0);
    return result;
  }

  function countFallback(t0: number): void {
    stats.originalNs.record((performance.now() - t0) * 1e6);
    stats.original++;
    stats.fallbacks++;
    stats.errors++;
    recordError(state, getConfig().errorThreshold);
  }

  function shadow(self: unknown, args: IArguments): unknown {
    stats.calls++;
    stats.original++;
    const t0 = performance.now();
    const result = original.apply(self, args as unknown as unknown[]);
    if (sideEffects) {
      if (!(handleAsync && isThenable(result))) stats.originalNs.record((performance.now() - t0) * 1e6);
      return result;
    }
    if (handleAsync && isThenable(result)) {
      return result.then(async (value) => {
        stats.originalNs.record((performance.now() - t0) * 1e6);
        await compareAsync(self, args, value);
        return value;
      });
    }
    stats.originalNs.record((performance.now() - t0) * 1e6);
    compareSync(self, args, result);
    return result;
  }

  function compareSync(self: unknown, args: IArguments, expected: unknown): void {
    const t0 = performance.now();
    let got: unknown;
    try {
      got = accelerated.apply(self, args as unknown as unknown[]);
    } catch {
      stats.errors++;
      recordError(state, getConfig().errorThreshold);
      return;
    }
    stats.acceleratedNs.record((performance.now() - t0) * 1e6);
    record(expected, got);
  }

  async function compareAsync(self: unknown, args: IArguments, expected: unknown): Promise<void> {
    const t0 = performance.now();
    try {
      const got = await accelerated.apply(self, args as unknown as unknown[]);
      stats.acceleratedNs.record((performance.now() - t0) * 1e6);
      record(expected, got);
    } catch {
      stats.errors++;
      recordError(state, getConfig().errorThreshold);
    }
  }

  function record(expected: unknown, got: unknown): void {
    stats.shadowCompared++;
    let same: boolean;
    try {
      same = equals(expected, got);
    } catch {
      same = false;
    }
    if (!same) stats.shadowMismatches++;
  }

  copyIdentity(wrapper, original);
  Object.defineProperty(wrapper, GUARDED, { value: spec });
  return wrapper;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function';
}

/** Keeps name and length, so code that inspects the function sees the original's shape. */
export function copyIdentity(target: AnyFn, source: AnyFn): void {
  Object.defineProperty(target, 'name', { value: source.name, configurable: true });
  Object.defineProperty(target, 'length', { value: source.length, configurable: true });
}

