import Module from 'node:module';
import { sep } from 'node:path';
import { warnOnce } from '../../log';
import type { PatchTable, RowStatus } from '../types';
import { installDefer } from './defer';
import { isExportRow, offer, restore, syncAll } from './exports';
import { installEsmHook, serveEsmModules } from './esm';
import { installJsLoader } from './js-loader';
import { isLoadRow } from './load-rows';
import { locate, stripJs } from './packages';
import { installRequireHook } from './require-hook';
import { notePackage, resetReports } from './report';
import { setStatus, state, statusListeners } from './state';

statusListeners.push((row) => notePackage(row.package));

// The loader: one require hook, one `.js` loader wrapper, one require wrapper for deferred loads
// and (when asked) one ESM load hook, shared by every patch table. Everything here fails soft:
// a row that cannot be applied is skipped with a reason and the app keeps the original.

const PENDING = (pkg: string) => `${pkg} not loaded yet`;

export function registerTable(table: PatchTable): void {
  if (state.tables.includes(table)) return;
  state.tables.push(table);
  for (const row of table.rows) {
    const acts = isExportRow(row) ? (row.acts ?? 'replaces-export') : 'underneath';
    state.status.set(row.id, {
      id: row.id,
      package: row.package,
      file: row.file,
      ...(isExportRow(row) ? { export: row.export } : {}),
      feature: row.feature,
      acts,
      state: 'pending',
      reason: PENDING(row.package),
    });
  }
}

export function isActive(): boolean {
  return state.active;
}

/** Root folders of the copies of `pkg` the hooks have seen load (a monorepo may hold several). */
export function packageDirs(pkg: string): string[] {
  const tail = `${sep}node_modules${sep}${pkg.split('/').join(sep)}`;
  return [...state.packages.keys()].filter((dir) => dir.endsWith(tail));
}

export function getPatchStatus(): RowStatus[] {
  return [...state.status.values()].map((s) => ({ ...s }));
}

/** Re-applies or restores every loaded row to match the current feature modes (applyAcceleration(options)). */
export function syncRows(): void {
  if (state.active) syncAll();
}

type Cache = Record<string, NodeJS.Module | undefined>;

/** Modules loaded before the acceleration: export rows apply now; load-time rows cannot any more. */
function patchLoaded(): void {
  const pkgs = new Set(state.tables.map((t) => t.package));
  for (const [filename, mod] of Object.entries((Module as unknown as { _cache: Cache })._cache)) {
    if (mod === undefined || !mod.loaded) continue;
    for (const pkg of pkgs) {
      const where = locate(filename, pkg);
      if (where === undefined) continue;
      offer(pkg, mod.exports, where.basedir, where.rel);
      for (const t of state.tables) {
        for (const row of t.rows) {
          if (row.package !== pkg || !isLoadRow(row) || stripJs(where.rel) !== stripJs(row.file)) continue;
          if (state.status.get(row.id)?.state !== 'pending') continue;
          setStatus(row, { state: 'skipped', reason: `${row.package}/${row.file} was loaded before the acceleration; its load-time work already ran` });
        }
      }
    }
  }
}

export interface ActivateOptions {
  /** Also reach the SDKs' ESM builds (installs the ESM load hook; the --import entry asks for it). */
  esm?: boolean;
}

export function activate(options: ActivateOptions = {}): void {
  if (state.active) return;
  state.active = true;
  for (const s of state.status.values()) if (s.state === 'removed') Object.assign(s, { state: 'pending', reason: PENDING(s.package) });
  installJsLoader();
  installRequireHook();
  if (options.esm) installEsmHook();
  serveEsmModules();
  installDefer();
  patchLoaded();
  for (const t of state.tables) if (packageDirs(t.package).length > 0) notePackage(t.package, true);
}

export async function deactivate(): Promise<void> {
  if (!state.active) return;
  state.active = false;
  resetReports();
  for (const key of ['defer', 'require', 'import', 'jsLoader'] as const) {
    state.hooks[key]?.unhook();
    state.hooks[key] = undefined;
  }
  // Last applied first, so rows stacked on one export unwind in order.
  for (const a of [...state.applied].reverse()) restore(a, 'removed');
  state.seen.length = 0;
  for (const s of state.status.values()) {
    if (s.state === 'pending' || s.state === 'off') Object.assign(s, { state: 'removed', reason: 'acceleration removed' });
  }
  for (const t of state.tables) {
    try {
      await t.dispose?.();
    } catch (err) {
      warnOnce(`cleanup of ${t.package} failed: ${(err as Error).message}`);
    }
  }
}
