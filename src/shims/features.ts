import { AsyncLocalStorage } from 'node:async_hooks';
import { FEATURES, type FeatureMode, type FeatureName, getConfig } from '../config';
import { warnOnce } from '../log';

// Mode codes are small integers so the guard's hot path is one comparison.
export const OFF = 0;
export const ON = 1;
export const SHADOW = 2;
export const ROLLOUT = 3;

export interface FeatureState {
  readonly name: FeatureName;
  code: number;
  percent: number;
  errors: number;
  autoDisabled: boolean;
  configured: FeatureMode;
}

const states = new Map<FeatureName, FeatureState>();

function codeOf(m: FeatureMode): number {
  return m.mode === 'on' ? ON : m.mode === 'off' ? OFF : m.mode === 'shadow' ? SHADOW : ROLLOUT;
}

export function featureState(name: FeatureName): FeatureState {
  let s = states.get(name);
  if (s === undefined) {
    const configured = getConfig().features[name];
    s = { name, code: codeOf(configured), percent: configured.mode === 'rollout' ? configured.percent : 100, errors: 0, autoDisabled: false, configured };
    states.set(name, s);
  }
  return s;
}

/** Re-reads every feature's mode from the current config (applyAcceleration with options). */
export function syncFeatures(): void {
  const cfg = getConfig();
  for (const name of FEATURES) {
    const s = featureState(name);
    s.configured = cfg.features[name];
    s.percent = s.configured.mode === 'rollout' ? s.configured.percent : 100;
    if (!s.autoDisabled) s.code = codeOf(s.configured);
  }
}

export function recordError(s: FeatureState, threshold: number): void {
  s.errors++;
  if (s.errors >= threshold && !s.autoDisabled && s.code !== OFF) {
    s.autoDisabled = true;
    s.code = OFF;
    warnOnce(`feature ${s.name} turned itself off after ${s.errors} errors in its accelerated path; the original litellm code runs instead (resetErrors('${s.name}') turns it back on)`);
  }
}

export function resetErrors(feature?: FeatureName): void {
  for (const name of feature === undefined ? FEATURES : [feature]) {
    const s = featureState(name);
    s.errors = 0;
    s.autoDisabled = false;
    s.code = codeOf(s.configured);
  }
}

const requestIds = new AsyncLocalStorage<string>();

/** Runs fn with a request id, so rollout:N decisions stick to that id across every patched call. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requestIds.run(requestId, fn);
}

// FNV-1a: stable across processes, so the same request id lands in the same bucket everywhere.
function bucket(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 100;
}

export function inRollout(s: FeatureState, requestId?: string): boolean {
  if (s.percent >= 100) return true;
  if (s.percent <= 0) return false;
  const id = requestId ?? requestIds.getStore();
  return (id === undefined ? Math.random() * 100 : bucket(id)) < s.percent;
}

/** true when the accelerated path serves this call (on, or rollout and this request is in). */
export function isEnabled(feature: FeatureName, requestId?: string): boolean {
  const s = featureState(feature);
  return s.code === ON || (s.code === ROLLOUT && inRollout(s, requestId));
}

export interface FeatureStatus {
  mode: string;
  effective: 'on' | 'off' | 'shadow' | 'rollout';
  rolloutPercent?: number;
  errors: number;
  errorThreshold: number;
  autoDisabled: boolean;
}

export function getFeatureStatus(): Record<FeatureName, FeatureStatus> {
  const threshold = getConfig().errorThreshold;
  const out = {} as Record<FeatureName, FeatureStatus>;
  for (const name of FEATURES) {
    const s = featureState(name);
    const c = s.configured;
    out[name] = {
      mode: c.mode === 'rollout' ? `rollout:${c.percent}` : c.mode,
      effective: s.code === ON ? 'on' : s.code === SHADOW ? 'shadow' : s.code === ROLLOUT ? 'rollout' : 'off',
      ...(c.mode === 'rollout' ? { rolloutPercent: c.percent } : {}),
      errors: s.errors,
      errorThreshold: threshold,
      autoDisabled: s.autoDisabled,
    };
  }
  return out;
}
