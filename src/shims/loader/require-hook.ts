import { Hook } from 'require-in-the-middle';
import { warnOnce } from '../../log';
import { offer } from './exports';
import { readPackage } from './packages';
import { notePackage } from './report';
import { state } from './state';

// One require-in-the-middle hook for every patched package: each loaded file is offered to the rows.

export function installRequireHook(): void {
  if (state.hooks.require !== undefined) return;
  const pkgs = [...new Set(state.tables.map((t) => t.package))];
  state.hooks.require = new Hook(pkgs, { internals: true }, (exports, name, basedir) => {
    if (!state.active || basedir === undefined) return exports;
    try {
      const pkg = pkgs.find((p) => name === p || name.startsWith(`${p}/`));
      if (pkg !== undefined) {
        const rel = name === pkg ? `${readPackage(basedir)?.main ?? 'index'}.js` : name.slice(pkg.length + 1);
        offer(pkg, exports, basedir, rel);
        if (name === pkg) notePackage(pkg, true);
      }
    } catch (err) {
      warnOnce(`patching ${name} failed (${(err as Error).message}); left unaccelerated`);
    }
    return exports;
  });
}
