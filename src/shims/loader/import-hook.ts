import { warnOnce } from '../../log';
import { offer } from './exports';
import { readPackage } from './packages';
import { state } from './state';

// ESM namespaces, through import-in-the-middle: only useful when its loader hook was registered
// (the --import entry does it, or FAST_LITELLM_ESM_HOOK=on).

type IitmHook = new (modules: string[], cb: (exports: unknown, name: string, basedir?: string) => unknown) => { unhook(): void };

export function installImportHook(): void {
  if (state.hooks.import !== undefined) return;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Hook } = require('import-in-the-middle') as { Hook: IitmHook };
    const pkgs = [...new Set(state.tables.map((t) => t.package))];
    state.hooks.import = new Hook(pkgs, (exports, name, basedir) => {
      if (!state.active || basedir === undefined) return exports;
      try {
        offer(name, exports, basedir, `${readPackage(basedir)?.main ?? 'index'}.js`);
      } catch (err) {
        warnOnce(`patching the ESM namespace of ${name} failed (${(err as Error).message}); left unaccelerated`);
      }
      return exports;
    });
  } catch (err) {
    warnOnce(`ESM import hook unavailable (${(err as Error).message}); ESM imports of patched packages are reached through their CommonJS files only`);
  }
}
