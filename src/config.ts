import { type Config } from './config/types';
import { cloneValue, defaults, loadConfig } from './config/load';

// Every FAST_LITELLM_* setting is declared once, as a row of the settings table (config/settings.ts),
// which drives the environment, the config file, applyAcceleration() options and the README table.

export { ConfigError } from './errors';
export {
  FEATURES, FEATURE_ENV, type Config, type FeatureMode, type FeatureName, type LitellmSections, type ModelLimits,
  type Origin, type RateLimitConfig,
} from './config/types';
export { parseFeatureMode } from './config/parsers';
export { SETTINGS, SECTIONS, type SectionName, type Setting } from './config/settings';
export { MAX_FILE_BYTES } from './config/file';
export { loadConfig, withOptions, type ConfigOptions } from './config/load';

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

/** Every setting's default (the rows' `default`s, read-only). */
export const DEFAULTS: Readonly<Omit<Config, 'source'>> = deepFreeze((({ source: _, ...rest }) => rest)(defaults()));

let current: Config | undefined;

/** The process-wide configuration, read once (ConfigError on invalid input). */
export function getConfig(): Config {
  current ??= loadConfig();
  return current;
}

/** Replaces the process-wide configuration (applyAcceleration(options) and tests). */
export function setConfig(cfg: Config): void {
  current = cfg;
}

/** A copy of a Config that another can be derived from (null-prototype maps stay so). */
export function copyConfig(cfg: Config): Config {
  return cloneValue(cfg);
}
