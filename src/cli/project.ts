// What a user's project has installed (found as Node would, from its directory) against what the
// patch tables support, and what the shim would therefore accelerate or skip there, and why.
// Read-only: nothing is loaded from the project, no hook is installed.
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import satisfies from 'semver/functions/satisfies';
import { FEATURE_ENV, loadConfig, type Config, type FeatureName } from '../config';
import { litellmTable } from '../shims/litellm';
import { anthropicTable, openaiTable } from '../shims/openai';
import type { PatchTable } from '../shims/types';

export const TABLES: readonly PatchTable[] = [litellmTable, openaiTable, anthropicTable];

export interface Copy {
  version: string;
  /** Real path of the package directory. */
  dir: string;
  /** Who resolves it: the project's own code, or litellm (its nested or hoisted copy). */
  from: 'project' | 'litellm';
}

export interface PackageReport {
  name: string;
  /** The distinct semver ranges of the table's rows. */
  supported: string[];
  /** Each distinct copy found, as the project and as litellm would resolve it. */
  copies: Copy[];
  /** Some copy is in some row's range. */
  ok: boolean;
}

export type RowVerdict = 'accelerated' | 'skipped' | 'other-version';

export interface RowReport {
  id: string;
  package: string;
  feature: FeatureName;
  verdict: RowVerdict;
  /** The feature mode it would run in ('on', 'shadow', 'rollout:10'), when accelerated. */
  mode?: string;
  /** Why a row is skipped (not installed, version out of range, feature off). */
  reason?: string;
}

export interface ProjectReport {
  dir: string;
  packages: PackageReport[];
  rows: RowReport[];
  /** The configuration the shim would read there, or why it cannot be read. */
  config: { ok: true; features: Record<string, string>; disabled: boolean } | { ok: false; error: string };
}

/** package.json of `name` as Node would find it from `fromDir`: node_modules of each directory upwards. */
export function findPackage(name: string, fromDir: string): { version: string; dir: string } | null {
  let dir = resolve(fromDir);
  for (;;) {
    const candidate = join(dir, 'node_modules', ...name.split('/'));
    try {
      const pkg = JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8')) as { version?: unknown };
      if (typeof pkg.version === 'string') return { version: pkg.version, dir: realpathSync(candidate) };
    } catch {
      /* not here */
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Copies of `name` the project and its litellm would load (one entry when both find the same). */
export function copiesOf(name: string, dir: string, litellmDir: string | undefined): Copy[] {
  const out: Copy[] = [];
  const own = findPackage(name, dir);
  if (own) out.push({ ...own, from: 'project' });
  if (litellmDir && name !== 'litellm') {
    const viaLitellm = findPackage(name, litellmDir);
    if (viaLitellm && !out.some((c) => c.dir === viaLitellm.dir)) out.push({ ...viaLitellm, from: 'litellm' });
  }
  return out;
}

const inRange = (version: string, range: string) => satisfies(version, range, { includePrerelease: true });

function modeText(cfg: Config, f: FeatureName): string {
  const m = cfg.features[f];
  return m.mode === 'rollout' ? `rollout:${m.percent}` : m.mode;
}

function offReason(cfg: Config, f: FeatureName): string {
  if (cfg.disabled) return 'FAST_LITELLM_DISABLE turns every feature off';
  if (f === 'rate_limiting' && cfg.source.set['features.rate_limiting'] === undefined) {
    return 'rate limiting is off until a limit is set (FAST_LITELLM_RPM, FAST_LITELLM_TPM, FAST_LITELLM_MAX_PARALLEL or the config file)';
  }
  return `feature ${f} is off (${FEATURE_ENV[f]})`;
}

/** Config as the shim would read it when started in `dir` (a relative FAST_LITELLM_CONFIG is relative to it). */
export function projectConfig(dir: string, env: NodeJS.ProcessEnv): Config {
  const file = env.FAST_LITELLM_CONFIG;
  return loadConfig(file ? { ...env, FAST_LITELLM_CONFIG: resolve(dir, file) } : env);
}

export function inspectProject(dir: string, env: NodeJS.ProcessEnv = process.env): ProjectReport {
  let cfg: Config | undefined;
  let config: ProjectReport['config'];
  try {
    cfg = projectConfig(dir, env);
    const names = Object.keys(cfg.features) as FeatureName[];
    const features = Object.fromEntries(names.map((f) => [f, modeText(cfg!, f)]));
    config = { ok: true, features, disabled: cfg.disabled };
  } catch (err) {
    config = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const litellm = findPackage('litellm', dir);
  const packages: PackageReport[] = [];
  const rows: RowReport[] = [];
  for (const table of TABLES) {
    const copies = copiesOf(table.package, dir, litellm?.dir);
    const supported = [...new Set(table.rows.map((r) => r.versions))];
    const ok = copies.some((c) => supported.some((r) => inRange(c.version, r)));
    packages.push({ name: table.package, supported, copies, ok });
    for (const row of table.rows) {
      const base = { id: row.id, package: row.package, feature: row.feature };
      const matching = copies.filter((c) => inRange(c.version, row.versions));
      if (copies.length === 0) rows.push({ ...base, verdict: 'skipped', reason: `${row.package} is not installed` });
      else if (matching.length === 0) {
        // Rows written for another major of a package that has rows for this one are not news.
        if (ok) rows.push({ ...base, verdict: 'other-version', reason: `for ${row.package} ${row.versions}` });
        else {
          const v = [...new Set(copies.map((c) => c.version))].join(', ');
          rows.push({ ...base, verdict: 'skipped', reason: `${row.package} ${v} is outside the supported range ${row.versions}` });
        }
      } else if (!cfg) rows.push({ ...base, verdict: 'skipped', reason: 'the configuration cannot be read' });
      else if (cfg.disabled || cfg.features[row.feature].mode === 'off') rows.push({ ...base, verdict: 'skipped', reason: offReason(cfg, row.feature) });
      else rows.push({ ...base, verdict: 'accelerated', mode: modeText(cfg, row.feature) });
    }
  }
  return { dir: resolve(dir), packages, rows, config };
}
