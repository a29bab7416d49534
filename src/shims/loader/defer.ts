import Module from 'node:module';
import type { DeferRow, PatchRow } from '../types';
import { loadRows, markApplied, rowsForFile } from './load-rows';
import { state } from './state';

// Deferred requires: a file named by a defer row gets a stand-in for the module it requires, and
// the real module loads on first use. The wrapper sits outside require-in-the-middle's, so a
// deferred request never reaches the hooks before it is really loaded.

type RequireFn = (this: NodeJS.Module, id: string) => unknown;
const isDefer = (row: PatchRow): row is DeferRow => 'defer' in row;

/**
 * A stand-in for a module that its requiring file only reads through __importDefault(...).default:
 * it says __esModule, and `default` resolves exactly as __importDefault would have on the real module.
 * The real module loads through the whole require chain (hooks included) on first access.
 */
function deferredModule(parent: NodeJS.Module, request: string, load: RequireFn): object {
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
  Module.prototype.require = ours as typeof Module.prototype.require;
  state.hooks.defer = {
    unhook() {
      if (Module.prototype.require === (ours as unknown)) Module.prototype.require = previous as typeof Module.prototype.require;
    },
  };
}
