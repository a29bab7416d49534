import { isDeepStrictEqual } from 'node:util';
import {
  type Config, type FeatureMode, type FeatureName, type LitellmSections, type RateLimitConfig, getConfig, setConfig,
  withOptions,
} from './config';
import { activate, deactivate, getPatchStatus as rowStatus, isActive, registerTable, syncRows } from './shims/loader';
import { getFeatureStatus, syncFeatures } from './shims/features';
import { litellmTable } from './shims/litellm';
import { anthropicTable, openaiTable } from './shims/openai';
import { jsTiktokenTable, tiktokenTable } from './shims/tokenizers';
import type { RowStatus } from './shims/types';

registerTable(litellmTable);
registerTable(openaiTable);
registerTable(anthropicTable);
registerTable(jsTiktokenTable);
registerTable(tiktokenTable);

/**
 * Settings in code, in the config file's shape (README "Configuration"), over the environment and the
 * file; checked by the same table (a bad value or an unknown key is a ConfigError naming it).
 */
export interface AccelerationOptions extends LitellmSections {
  /** Feature modes that override the environment and config file. */
  features?: Partial<Record<FeatureName, FeatureMode['mode'] | `rollout:${number}` | boolean>>;
  errorThreshold?: number;
  disabled?: boolean;
  logLevel?: Config['logLevel'];
  esmHook?: Config['esmHook'];
  tokens?: Partial<Config['tokens']>;
  pool?: Partial<Config['pool']>;
  rateLimit?: Partial<RateLimitConfig>;
  router?: Partial<Config['router']>;
  telemetry?: Partial<Config['telemetry']>;
  /** Reach the SDKs' ESM builds too (installs the ESM load hook; the --import entry asks for it). */
  esm?: boolean;
}

/** Sections whose consumers keep state per section object (the limits' windows, the router, the metrics). */
const KEPT = ['tokens', 'pool', 'rateLimit', 'router', 'litellm', 'telemetry'] as const;

/** Installs the hooks and patches litellm (loaded already or later). Idempotent. */
export function applyAcceleration(options: AccelerationOptions = {}): void {
  // Same checks as the environment and the config file; the kill switch FAST_LITELLM_DISABLE still wins.
  const before = getConfig();
  if (options === null || typeof options !== 'object') withOptions(before, options); // its ConfigError
  const { esm, ...settings } = options;
  const cfg = withOptions(before, settings);
  // A section the options leave as it was stays the same object: its state (rate windows, cooldowns,
  // metric values) is not started again by a call that changes something else.
  for (const k of KEPT) if (isDeepStrictEqual(cfg[k], before[k])) Object.assign(cfg, { [k]: before[k] });
  setConfig(cfg);
  syncFeatures();
  activate({ esm });
  // A feature turned off puts its originals back; one turned on applies to what is loaded.
  syncRows();
}

/** Restores every original (identity-equal) and stops patching later loads. */
export async function removeAcceleration(): Promise<void> {
  await deactivate();
}

export interface PatchStatus {
  active: boolean;
  rows: RowStatus[];
}

export function getPatchStatus(): PatchStatus {
  return { active: isActive(), rows: rowStatus() };
}

export interface Health {
  healthy: boolean;
  active: boolean;
  problems: string[];
}

export function healthCheck(): Health {
  const problems: string[] = [];
  for (const row of rowStatus()) if (row.state === 'skipped') problems.push(`${row.id}: ${row.reason}`);
  for (const [name, s] of Object.entries(getFeatureStatus())) {
    if (s.autoDisabled) problems.push(`${name}: turned itself off after ${s.errors} errors`);
  }
  return { healthy: problems.length === 0, active: isActive(), problems };
}
