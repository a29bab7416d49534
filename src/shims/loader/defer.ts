import Module from 'node:module';
import type { DeferRow, PatchRow } from '../types';
import { loadRows, markApplied, rowsForFile } from './load-rows';
import { state } from './state';

// Deferred requires: a file named by a defer row gets a stand-in for the module it requires, and
// the real module loads on first use. The wrapper sits outside require-in-the-middle's, so a
// deferred request never reaches the hooks before it is really loaded.

type RequireFn = (this: NodeJS.Module, id: string) => unknown;
type ModuleRequire = typeof Module.prototype.require;
type ModuleExports = Record<string | symbol, unknown>;
const isDefer = (row: PatchRow): row is DeferRow => 'defer' in row;

/**
 * A stand-in for a module that its requiring file only reads through __importDefault(...).default:
 * it says __esModule, and `default` resolves exactly as __importDefault would have on the real module.
 * The real module loads through the whole require chain (hooks included) on first access.
 */
function deferredModule(parent: NodeJS.Module, request: string, load: RequireFn): object {
  let real: ModuleExports | undefined;
  const get = (): ModuleExports => (real ??= load.call(parent, request) as ModuleExports);
  preload(() => {
    if (state.active && real === undefined) get();
  });
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

// What was deferred loads in the background once start-up is over, one module per turn of the event
// loop, so the app's first requests do not pay for it either. The timers are unref'd: a process
// that finishes sooner exits without loading them.
const queue: (() => void)[] = [];
let scheduled = false;

function preload(load: () => void): void {
  queue.push(load);
  if (!scheduled) schedule();
}

function schedule(): void {
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    try {
      queue.shift()?.();
    } catch {
      // Not installed, or it throws at load: the first real use gets that error, as without us.
    }
    if (queue.length > 0) schedule();
  }, PRELOAD_DELAY_MS).unref();
}

/** Start-up work usually ends within this; each deferred module then loads on its own turn. */
const PRELOAD_DELAY_MS = 50;

export function installDefer(): void {
  if (state.hooks.defer !== undefined) return;
  const rows = loadRows(isDefer);
  if (rows.length === 0) return;
  const deferred = new Set(rows.map((r) => r.defer));
  const previous = Module.prototype.require as RequireFn;
  const ours = function (this: NodeJS.Module, id: string): unknown {
    if (state.active && deferred.has(id) && typeof this?.filename === 'string') {
      const row = rowsForFile(rows.filter((r) => r.defer === id), this.filename)[0];
      if (row !== undefined) {
        markApplied(row, this.filename);
        return deferredModule(this, id, previous);
      }
    }
    return previous.apply(this, arguments as unknown as [string]);
  };
  Module.prototype.require = ours as ModuleRequire;
  state.hooks.defer = {
    unhook() {
      if (Module.prototype.require === (ours as unknown)) Module.prototype.require = previous as ModuleRequire;
    },
  };
}
