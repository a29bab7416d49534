import { type FeatureMode, type FeatureName, getConfig, setConfig, withOptions } from './config';
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

export interface AccelerationOptions {
  /** Feature modes that override the environment and config file. */
  features?: Partial<Record<FeatureName, FeatureMode['mode'] | `rollout:${number}` | boolean>>;
  errorThreshold?: number;
  /** Reach the SDKs' ESM builds too (installs the ESM load hook; the --import entry asks for it). */
  esm?: boolean;
}

/** Installs the hooks and patches litellm (loaded already or later). Idempotent. */
export function applyAcceleration(options: AccelerationOptions = {}): void {
  // Same checks as the environment and the config file; the kill switch FAST_LITELLM_DISABLE still wins.
  const cfg = withOptions(getConfig(), { features: options.features, errorThreshold: options.errorThreshold });
  setConfig(cfg);
  syncFeatures();
  activate({ esm: options.esm });
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
