import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
// The one semver function needed: the whole package costs ~20 ms at startup.
import satisfies from 'semver/functions/satisfies';
import { Hook as RequireHook } from 'require-in-the-middle';
import { warnOnce, debug } from '../log';
import { type AnyFn, guard } from './guard';
import { OFF, featureState } from './features';
import type { DeferRow, FunctionRow, PatchRow, PatchTable, RedirectRow, RowStatus, ValueRow } from './types';

// One process-wide require hook, one load-level redirect and (when registered) one import hook,
// shared by every patch table. Everything here must fail soft: a row that cannot be applied is
// skipped with a reason; the host app keeps the original.

interface Applied {
  row: FunctionRow | ValueRow;
  target: Record<string, unknown>;
  original: unknown;
  replacement: unknown;
}

interface PackageInfo {
  version: string;
  main: string;
}

type ModuleInternals = typeof Module & {
  _extensions: Record<string, (module: NodeJS.Module, filename: string) => void>;
  _cache: Record<string, NodeJS.Module | undefined>;
};

const M = Module as ModuleInternals;
const tables: PatchTable[] = [];
// Kept apart at registration: the redirect check runs on every .js file Node loads.
const redirects: RedirectRow[] = [];
const defers: DeferRow[] = [];
const status = new Map<string, RowStatus>();
const applied: Applied[] = [];
const packageInfo = new Map<string, PackageInfo | null>();
let active = false;
let requireHook: RequireHook | undefined;
let importHook: { unhook(): void } | undefined;
type RequireFn = (this: NodeJS.Module, id: string) => unknown;
let previousRequire: RequireFn | undefined;
let ourRequire: RequireFn | undefined;
let originalJsLoader: ((module: NodeJS.Module, filename: string) => void) | undefined;
let ourJsLoader: ((module: NodeJS.Module, filename: string) => void) | undefined;

export function registerTable(table: PatchTable): void {
  if (tables.includes(table)) return;
  tables.push(table);
  for (const row of table.rows) {
    if ('redirect' in row) redirects.push(row);
    if ('defer' in row) defers.push(row);
    status.set(row.id, {
      id: row.id,
      package: row.package,
      file: row.file,
      ...('export' in row ? { export: row.export } : {}),
      feature: row.feature,
      state: 'pending',
      reason: `${row.package} not loaded yet`,
    });
  }
}

export function isActive(): boolean {
  return active;
}

export function getPatchStatus(): RowStatus[] {
  return [...status.values()].map((s) => ({ ...s }));
}

function setStatus(row: PatchRow, patch: Partial<RowStatus>): void {
  const s = status.get(row.id);
  if (s) Object.assign(s, patch);
}

const stripJs = (p: string): string => (p.endsWith('.js') ? p.slice(0, -3) : p);

function readPackage(basedir: string): PackageInfo | null {
  let info = packageInfo.get(basedir);
  if (info === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(join(basedir, 'package.json'), 'utf8')) as { version?: string; main?: string };
      info = { version: String(pkg.version), main: stripJs((pkg.main ?? 'index.js').replace(/^\.\//, '')) };
    } catch {
      info = null;
    }
    packageInfo.set(basedir, info);
  }
  return info;
}

/** Package root and path inside it for a file under node_modules/<pkg>/, else undefined. */
function locate(filename: string, pkg: string): { basedir: string; rel: string } | undefined {
  const marker = `${sep}node_modules${sep}${pkg.split('/').join(sep)}${sep}`;
  const i = filename.lastIndexOf(marker);
  if (i === -1) return undefined;
  const basedir = filename.slice(0, i + marker.length - 1);
  return { basedir, rel: filename.slice(i + marker.length).split(sep).join('/') };
}

function rowsFor(pkg: string, basedir: string, rel: string): PatchRow[] {
  const info = readPackage(basedir);
  const file = stripJs(rel);
  const out: PatchRow[] = [];
  for (const t of tables) {
    if (t.package !== pkg) continue;
    for (const row of t.rows) {
      const rowFile = row.file === '' ? info?.main : stripJs(row.file);
      if (rowFile === file) out.push(row);
    }
  }
  return out;
}

function versionOk(row: PatchRow, basedir: string): boolean {
  const info = readPackage(basedir);
  if (info === null) {
    setStatus(row, { state: 'skipped', reason: `cannot read ${row.package}/package.json` });
    warnOnce(`${row.package}: cannot read its package.json; not accelerated`);
    return false;
  }
  if (!satisfies(info.version, row.versions, { includePrerelease: true })) {
    setStatus(row, { state: 'skipped', version: info.version, reason: `${row.package} ${info.version} is outside the supported range ${row.versions}` });
    warnOnce(`${row.package} ${info.version} is outside the supported range ${row.versions}; left unaccelerated`);
    return false;
  }
  return true;
}

/** Sets an export on a CommonJS exports object or an import-in-the-middle namespace. */
function setExport(target: Record<string, unknown>, key: string, value: unknown): boolean {
  const desc = Object.getOwnPropertyDescriptor(target, key);
  try {
    if (desc === undefined || desc.writable || desc.set) {
      target[key] = value;
    } else if (desc.configurable) {
      // TypeScript's re-export getters: keep enumerability, make the value ours.
      Object.defineProperty(target, key, { value, writable: true, enumerable: desc.enumerable, configurable: true });
    }
  } catch {
    return false;
  }
  return target[key] === value;
}

function applyRows(pkg: string, exports: unknown, basedir: string, rel: string): void {
  if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function')) return;
  for (const row of rowsFor(pkg, basedir, rel)) {
    if ('redirect' in row || 'defer' in row) continue;
    if (!versionOk(row, basedir)) continue;
    applyRow(row, exports as Record<string, unknown>, readPackage(basedir)!.version);
  }
}

function applyRow(row: FunctionRow | ValueRow, target: Record<string, unknown>, version: string): void {
  if (applied.some((a) => a.row === row && a.target === target)) return;
  const original = target[row.export];
  if ('replace' in row ? typeof original !== 'function' : original === undefined) {
    setStatus(row, { state: 'skipped', version, reason: `export ${row.export} of ${row.package}/${row.file || 'main'} is ${typeof original}, expected ${'replace' in row ? 'a function' : 'a value'}` });
    warnOnce(`${row.id}: export ${row.export} not found in ${row.package} ${version}; left unaccelerated`);
    return;
  }
  // Several rows may replace one export (rate limiting over pooling): each wraps the one before.
  let replacement: unknown;
  try {
    replacement =
      'replace' in row
        ? guard({ component: row.id, feature: row.feature, original: original as AnyFn, accelerated: row.replace(original as AnyFn), ...row.guard })
        : row.value(original);
  } catch (err) {
    setStatus(row, { state: 'skipped', version, reason: `setup failed: ${(err as Error).message}` });
    warnOnce(`${row.id}: setup failed (${(err as Error).message}); left unaccelerated`);
    return;
  }
  if (!setExport(target, row.export, replacement)) {
    setStatus(row, { state: 'skipped', version, reason: `export ${row.export} is read-only` });
    warnOnce(`${row.id}: export ${row.export} is read-only; left unaccelerated`);
    return;
  }
  applied.push({ row, target, original, replacement });
  setStatus(row, { state: 'applied', version, reason: undefined });
  debug(`applied ${row.id}`);
}

function redirectFor(filename: string): RedirectRow | undefined {
  for (const row of redirects) {
    const where = locate(filename, row.package);
    if (where === undefined || stripJs(where.rel) !== stripJs(row.file)) continue;
    if (!versionOk(row, where.basedir)) return undefined;
    return row;
  }
  return undefined;
}

/**
 * Load-level redirect: the original file's code never runs; its module record (path, cache key,
 * require.resolve) stays, and its exports come from the row's redirect(originalFilename).
 */
function installRedirect(): void {
  if (ourJsLoader !== undefined || redirects.length === 0) return;
  const previous = M._extensions['.js'];
  originalJsLoader = previous;
  ourJsLoader = function (this: unknown, module: NodeJS.Module, filename: string): void {
    const row = active && filename.includes(`${sep}node_modules${sep}`) ? redirectFor(filename) : undefined;
    if (row === undefined) return previous.call(this, module, filename);
    try {
      module.exports = row.redirect(filename);
      setStatus(row, { state: 'applied', version: readPackage(locate(filename, row.package)!.basedir)?.version, reason: undefined });
    } catch (err) {
      setStatus(row, { state: 'skipped', reason: `redirect failed: ${(err as Error).message}` });
      warnOnce(`${row.id}: redirect failed (${(err as Error).message}); original loaded`);
      previous.call(this, module, filename);
    }
  };
  M._extensions['.js'] = ourJsLoader;
}

function uninstallRedirect(): void {
  if (ourJsLoader === undefined) return;
  // Someone wrapped our loader since: leave theirs in place; `active` is false, so ours passes through.
  if (M._extensions['.js'] === ourJsLoader) {
    M._extensions['.js'] = originalJsLoader!;
    ourJsLoader = originalJsLoader = undefined;
  }
}

function deferFor(parent: string | undefined, request: string): DeferRow | undefined {
  if (parent === undefined) return undefined;
  for (const row of defers) {
    if (row.defer !== request || featureState(row.feature).code === OFF) continue;
    const where = locate(parent, row.package);
    if (where === undefined || stripJs(where.rel) !== stripJs(row.file) || !versionOk(row, where.basedir)) continue;
    return row;
  }
  return undefined;
}

/**
 * A stand-in for a module that its requiring file only reads through __importDefault(...).default:
 * it says __esModule, and `default` resolves exactly as __importDefault would have on the real module.
 * The real module loads through the whole require chain (hooks included) on first access.
 */
function deferredModule(parent: NodeJS.Module, request: string, load: (this: NodeJS.Module, id: string) => unknown): object {
  let real: Record<string | symbol, unknown> | undefined;
  const get = (): Record<string | symbol, unknown> => (real ??= load.call(parent, request) as Record<string | symbol, unknown>);
  return new Proxy(Object.create(null) as object, {
    get(_t, key) {
      if (key === '__esModule') return true;
      const m = get();
      if (key === 'default') return m !== null && typeof m === 'object' && m.__esModule ? m.default : m;
      return m[key];
    },
    has(_t, key) {
      return key === '__esModule' || key === 'default' || key in Object(get());
    },
  });
}

/** Outermost require wrapper (over require-in-the-middle's), so a deferred request never reaches the hooks early. */
function installDefer(): void {
  if (ourRequire !== undefined || defers.length === 0) return;
  const deferred = new Set(defers.map((r) => r.defer));
  const previous = (previousRequire = Module.prototype.require as RequireFn);
  ourRequire = function (this: NodeJS.Module, id: string): unknown {
    if (active && deferred.has(id)) {
      const row = deferFor(this?.filename, id);
      if (row !== undefined) {
        setStatus(row, { state: 'applied', version: readPackage(locate(this.filename, row.package)!.basedir)?.version, reason: undefined });
        return deferredModule(this, id, previous);
      }
    }
    return previous.apply(this, arguments as unknown as [string]);
  };
  Module.prototype.require = ourRequire as typeof Module.prototype.require;
}

function uninstallDefer(): void {
  if (ourRequire === undefined) return;
  if (Module.prototype.require === (ourRequire as unknown)) Module.prototype.require = previousRequire as typeof Module.prototype.require;
  ourRequire = previousRequire = undefined;
}

function patchLoaded(): void {
  const pkgs = new Set(tables.map((t) => t.package));
  for (const [filename, mod] of Object.entries(M._cache)) {
    if (mod === undefined || !mod.loaded) continue;
    for (const pkg of pkgs) {
      const where = locate(filename, pkg);
      if (where === undefined) continue;
      applyRows(pkg, mod.exports, where.basedir, where.rel);
      for (const row of [...redirects, ...defers]) {
        if (row.package === pkg && stripJs(where.rel) === stripJs(row.file) && status.get(row.id)?.state === 'pending') {
          setStatus(row, { state: 'skipped', reason: `${row.package}/${row.file} was loaded before the acceleration; its load-time work already ran` });
        }
      }
    }
  }
}

function onRequire(exports: unknown, name: string, basedir: string | undefined): unknown {
  if (!active || basedir === undefined) return exports;
  try {
    for (const t of tables) {
      if (name !== t.package && !name.startsWith(`${t.package}/`)) continue;
      const info = readPackage(basedir);
      const rel = name === t.package ? `${info?.main ?? 'index'}.js` : name.slice(t.package.length + 1);
      applyRows(t.package, exports, basedir, rel);
      break;
    }
  } catch (err) {
    warnOnce(`patching ${name} failed (${(err as Error).message}); left unaccelerated`);
  }
  return exports;
}

function installImportHook(): void {
  if (importHook !== undefined) return;
  try {
    // Only useful when the ESM loader hook was registered (register.mjs or FAST_LITELLM_ESM_HOOK=on).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Hook } = require('import-in-the-middle') as { Hook: new (m: string[], cb: (e: unknown, n: string, b?: string) => unknown) => { unhook(): void } };
    const pkgs = [...new Set(tables.map((t) => t.package))];
    importHook = new Hook(pkgs, (exports, name, basedir) => {
      if (!active || basedir === undefined) return exports;
      const info = readPackage(basedir);
      applyRows(name, exports, basedir, `${info?.main ?? 'index'}.js`);
      return exports;
    });
  } catch (err) {
    warnOnce(`ESM import hook unavailable (${(err as Error).message}); ESM imports of patched packages are reached through their CommonJS files only`);
  }
}

export interface ActivateOptions {
  /** Also hook ESM namespaces (needs the import-in-the-middle loader to be registered). */
  esm?: boolean;
}

export function activate(options: ActivateOptions = {}): void {
  if (active) return;
  active = true;
  for (const s of status.values()) if (s.state === 'removed') Object.assign(s, { state: 'pending', reason: `${s.package} not loaded yet` });
  installRedirect();
  const pkgs = [...new Set(tables.map((t) => t.package))];
  requireHook = new RequireHook(pkgs, { internals: true }, (exports, name, basedir) => onRequire(exports, name, basedir) as typeof exports);
  if (options.esm) installImportHook();
  installDefer();
  patchLoaded();
}

export async function deactivate(): Promise<void> {
  if (!active) return;
  active = false;
  uninstallDefer();
  requireHook?.unhook();
  requireHook = undefined;
  importHook?.unhook();
  importHook = undefined;
  uninstallRedirect();
  // Last applied first, so stacked rows on one export unwind in order.
  for (const a of applied.splice(0).reverse()) {
    if (a.target[a.row.export] === a.replacement) {
      setExport(a.target, a.row.export, a.original);
      setStatus(a.row, { state: 'removed', reason: 'removeAcceleration() restored the original' });
    } else {
      setStatus(a.row, { state: 'removed', reason: `${a.row.export} was replaced by someone else since; left as is` });
      warnOnce(`${a.row.id}: ${a.row.export} was replaced by someone else after fast-litellm; not restored`);
    }
  }
  for (const s of status.values()) {
    if (s.state === 'pending') Object.assign(s, { state: 'removed', reason: 'acceleration removed before the package loaded' });
  }
  for (const t of tables) {
    try {
      await t.dispose?.();
    } catch (err) {
      warnOnce(`cleanup of ${t.package} failed: ${(err as Error).message}`);
    }
  }
}
