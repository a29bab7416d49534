import { existsSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { warnOnce } from '../../log';
import { EXPORTS_QUEUE, type EsmTarget, initialize, loadSync } from './esm-hook';
import { isExportRow, offer } from './exports';
import { locate } from './packages';
import { state } from './state';

// The ESM side of the export rows, in the main thread: installs the load hook (esm-hook.ts) for the
// `.mjs` twins of the files export rows name, and offers each module object the hook exposes to the
// same rows as a CommonJS module's exports. Modules that loaded while the acceleration was off wait
// in a list, so applyAcceleration() later reaches them too.

type Entry = [url: string, holder: Record<string, unknown>];

const QUEUE = Symbol.for(EXPORTS_QUEUE);
const SERVING = Symbol.for('fast-litellm.esm-exports.serving');
/** Every module the hook exposed (one per SDK file instance: a handful). */
const modules: Entry[] = [];
let installed: 'hooks' | 'register' | undefined;

/** The ESM files to expose: each export row's file as `.mjs`, with the top-level names its rows reach. */
export function esmTargets(): EsmTarget[] {
  const by = new Map<string, EsmTarget>();
  for (const t of state.tables) {
    for (const row of t.rows) {
      // Rows filled in by another file (`after`) read the CommonJS cache: CommonJS only.
      if (!isExportRow(row) || row.after !== undefined || !row.file.endsWith('.js')) continue;
      const file = `${row.file.slice(0, -3)}.mjs`;
      const key = `${row.package}\n${file}`;
      const target = by.get(key) ?? { package: row.package, file, names: [] };
      const name = row.export.split('.')[0];
      if (!target.names.includes(name)) target.names.push(name);
      by.set(key, target);
    }
  }
  return [...by.values()];
}

function isEntry(e: unknown): e is Entry {
  return Array.isArray(e) && typeof e[0] === 'string' && e[1] !== null && typeof e[1] === 'object';
}

function offerEsm(entry: Entry): void {
  if (!modules.includes(entry)) modules.push(entry);
  if (!state.active) return;
  let filename: string;
  try {
    filename = fileURLToPath(entry[0]);
  } catch {
    return;
  }
  for (const pkg of new Set(state.tables.map((t) => t.package))) {
    const where = locate(filename, pkg);
    if (where === undefined) continue;
    try {
      offer(pkg, entry[1], where.basedir, where.rel);
    } catch (err) {
      warnOnce(`patching the ESM build of ${pkg} failed (${(err as Error).message}); left unaccelerated`);
    }
  }
}

/** Serves the hook's queue from now on: what it queued before is offered now, later modules at once. */
export function serveEsmModules(): void {
  const g = globalThis as Record<symbol, unknown>;
  const q = g[QUEUE] as { [SERVING]?: boolean } | unknown[] | undefined;
  if (!(q !== null && typeof q === 'object' && (q as { [SERVING]?: boolean })[SERVING] === true)) {
    g[QUEUE] = {
      [SERVING]: true,
      push(...entries: unknown[]): number {
        for (const e of entries) if (isEntry(e)) offerEsm(e);
        return modules.length;
      },
    };
    if (Array.isArray(q)) for (const e of q) if (isEntry(e)) offerEsm(e);
  }
  // After removeAcceleration(), the rows re-apply to the modules seen before.
  for (const e of [...modules]) offerEsm(e);
}

export type EsmLoader = 'hooks' | 'register';

/**
 * In-thread module.registerHooks where Node has it (22.15+, 24), else module.register (a loaders
 * thread); `prefer` forces one (benchmarks compare them). Installed once per process: a module
 * that loads while the acceleration is off is exposed all the same, and waits for it.
 */
export function installEsmHook(prefer?: EsmLoader): EsmLoader | undefined {
  if (installed !== undefined) return installed;
  const targets = esmTargets();
  if (targets.length === 0) return undefined;
  const M = Module as unknown as {
    registerHooks?: (hooks: { load: typeof loadSync }) => unknown;
    register?: (specifier: string, options: { data: unknown }) => void;
  };
  const forced = prefer ?? ((globalThis as Record<symbol, unknown>)[Symbol.for('fast-litellm.esm-loader')] as EsmLoader | undefined);
  try {
    if (typeof M.registerHooks === 'function' && forced !== 'register') {
      initialize({ targets });
      M.registerHooks({ load: loadSync });
      installed = 'hooks';
    } else if (typeof M.register === 'function') {
      // The loaders thread imports the built file; from TypeScript sources (tsx) there is none to register.
      const file = join(__dirname, 'esm-hook.js');
      if (!existsSync(file)) throw new Error(`${file} not found (built package only)`);
      M.register(pathToFileURL(file).href, { data: { targets } });
      installed = 'register';
    }
  } catch (err) {
    warnOnce(`ESM load hook not installed (${(err as Error).message}); ESM imports of the SDKs run unaccelerated`);
  }
  return installed;
}

export function esmLoader(): EsmLoader | undefined {
  return installed;
}
