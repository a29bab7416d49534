import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { warnOnce } from '../../log';
import type { BindingRow, PatchRow, RedirectRow } from '../types';
import { loadRows, markApplied, rowsForFile } from './load-rows';
import { setStatus, state } from './state';

// The one `.js` loader wrapper: files named by a redirect row get the row's exports instead of
// running; files named by binding rows are compiled with module-scope bindings for the globals
// the rows name. Every other file loads exactly as before.

type JsLoader = (this: unknown, module: NodeJS.Module, filename: string) => void;
const extensions = (Module as unknown as { _extensions: Record<string, JsLoader> })._extensions;
const BINDINGS = Symbol.for('fast-litellm.bindings');
const NODE_MODULES = `${sep}node_modules${sep}`;
const isRedirect = (row: PatchRow): row is RedirectRow => 'redirect' in row;
const isBinding = (row: PatchRow): row is BindingRow => 'global' in row;

/** The file's own source with `var <name> = <binding>` for each row, on line 1 so stack lines stay. */
function withBindings(source: string, rows: BindingRow[]): string | undefined {
  for (const r of rows) {
    // A file that declares the name itself would not compile with ours: leave it alone.
    if (new RegExp(`\\b(?:var|let|const|function|class)\\s+${r.global}\\b`).test(source)) return undefined;
  }
  const decl = `var ${rows.map((r) => `${r.global} = module[Symbol.for('fast-litellm.bindings')].${r.global}`).join(', ')};`;
  const strict = /^(?:\s*(["'])use strict\1;?)/.exec(source);
  return strict === null ? decl + source : strict[0] + decl + source.slice(strict[0].length);
}

export function installJsLoader(): void {
  if (state.hooks.jsLoader !== undefined) return;
  const redirects = loadRows(isRedirect);
  const bindings = loadRows(isBinding);
  if (redirects.length === 0 && bindings.length === 0) return;
  const previous = extensions['.js'];
  const ours: JsLoader = function (module, filename) {
    if (!state.active || !filename.includes(NODE_MODULES)) return previous.call(this, module, filename);
    const [redirect] = rowsForFile(redirects, filename);
    if (redirect !== undefined) {
      try {
        module.exports = redirect.redirect(filename);
        markApplied(redirect, filename);
        return;
      } catch (err) {
        setStatus(redirect, { state: 'skipped', reason: `redirect failed: ${(err as Error).message}` });
        warnOnce(`${redirect.id}: redirect failed (${(err as Error).message}); original loaded`);
        return previous.call(this, module, filename);
      }
    }
    const rows = rowsForFile(bindings, filename);
    if (rows.length === 0) return previous.call(this, module, filename);
    let source: string | undefined;
    try {
      source = withBindings(readFileSync(filename, 'utf8'), rows);
      if (source !== undefined) {
        const values = Object.fromEntries(rows.map((r) => [r.global, r.binding()]));
        (module as unknown as Record<symbol, unknown>)[BINDINGS] = values;
      }
    } catch (err) {
      source = undefined;
      warnOnce(`${rows[0].id}: ${(err as Error).message}; original loaded`);
    }
    if (source === undefined) {
      for (const r of rows) setStatus(r, { state: 'skipped', reason: `${r.file} declares ${r.global} itself or cannot be read` });
      return previous.call(this, module, filename);
    }
    for (const r of rows) markApplied(r, filename);
    // Errors from here on are the file's own, as they would be without us.
    (module as unknown as { _compile(src: string, file: string): void })._compile(source, filename);
  };
  extensions['.js'] = ours;
  state.hooks.jsLoader = {
    unhook() {
      // Someone wrapped our loader since: leave theirs in place; `active` is false, so ours passes through.
      if (extensions['.js'] === ours) extensions['.js'] = previous;
    },
  };
}
