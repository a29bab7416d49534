import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
// The one semver function needed: the whole package costs ~20 ms at startup.
import satisfies from 'semver/functions/satisfies';
import { warnOnce } from '../../log';
import type { PatchRow } from '../types';
import { type PackageInfo, setStatus, state } from './state';

export const stripJs = (p: string): string => (p.endsWith('.js') || p.endsWith('.mjs') ? p.slice(0, p.lastIndexOf('.')) : p);

/** The installed version and main file of the package at basedir, read from its own package.json. */
export function readPackage(basedir: string): PackageInfo | null {
  let info = state.packages.get(basedir);
  if (info === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(join(basedir, 'package.json'), 'utf8')) as { version?: string; main?: string };
      info = { version: String(pkg.version), main: stripJs((pkg.main ?? 'index.js').replace(/^\.\//, '')) };
    } catch {
      info = null;
    }
    state.packages.set(basedir, info);
  }
  return info;
}

/** Package root and path inside it for a file under node_modules/<pkg>/, else undefined. */
export function locate(filename: string, pkg: string): { basedir: string; rel: string } | undefined {
  const marker = `${sep}node_modules${sep}${pkg.split('/').join(sep)}${sep}`;
  const i = filename.lastIndexOf(marker);
  if (i === -1) return undefined;
  const basedir = filename.slice(0, i + marker.length - 1);
  return { basedir, rel: filename.slice(i + marker.length).split(sep).join('/') };
}

/** The row's file, relative to the package root and without extension ('' means the main file). */
export function rowFile(row: PatchRow, basedir: string, which: 'file' | 'after' = 'file'): string | undefined {
  const f = which === 'after' && 'after' in row && row.after !== undefined ? row.after : row.file;
  return f === '' ? readPackage(basedir)?.main : stripJs(f);
}

function otherMajorRow(row: PatchRow, version: string): boolean {
  return state.tables.some((t) => t.rows.some((r) => r !== row && r.package === row.package
    && satisfies(version, r.versions, { includePrerelease: true })));
}

/** Whether the installed package is in the row's range; skips the row with a reason when not. */
export function versionOk(row: PatchRow, basedir: string): boolean {
  const info = readPackage(basedir);
  if (info === null) {
    setStatus(row, { state: 'skipped', reason: `cannot read ${row.package}/package.json` });
    warnOnce(`${row.package}: cannot read its package.json; not accelerated`);
    return false;
  }
  if (!satisfies(info.version, row.versions, { includePrerelease: true })) {
    if (otherMajorRow(row, info.version)) {
      // A row for another major of a package whose installed major has rows of its own: not a problem.
      setStatus(row, { state: 'pending', version: info.version, reason: `for ${row.package} ${row.versions}; ${info.version} has rows of its own` });
      return false;
    }
    setStatus(row, { state: 'skipped', version: info.version, reason: `${row.package} ${info.version} is outside the supported range ${row.versions}` });
    warnOnce(`${row.package} ${info.version} is outside the supported range ${row.versions}; left unaccelerated`);
    return false;
  }
  return true;
}
