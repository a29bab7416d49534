import { featureState } from '../features';
import type { BindingRow, DeferRow, PatchRow, RedirectRow } from '../types';
import { locate, readPackage, stripJs, versionOk } from './packages';
import { setStatus, state } from './state';

// Rows that act while a file loads (redirect, binding, defer): decided once, at that load.

export type LoadRow = RedirectRow | BindingRow | DeferRow;

export const isLoadRow = (row: PatchRow): row is LoadRow => 'redirect' in row || 'global' in row || 'defer' in row;

export function loadRows<R extends LoadRow>(is: (row: PatchRow) => row is R): R[] {
  return state.tables.flatMap((t) => t.rows.filter(is));
}

/** Rows of this kind for the file, in range, with their feature wanted; marks the others' status. */
export function rowsForFile<R extends LoadRow>(rows: R[], filename: string): R[] {
  const out: R[] = [];
  for (const row of rows) {
    const where = locate(filename, row.package);
    if (where === undefined || stripJs(where.rel) !== stripJs(row.file) || !versionOk(row, where.basedir)) continue;
    const version = readPackage(where.basedir)?.version;
    if (featureState(row.feature).configured.mode === 'off') {
      setStatus(row, { state: 'off', version, reason: `feature ${row.feature} was off when ${row.file} loaded; the original loaded` });
      continue;
    }
    out.push(row);
  }
  return out;
}

export function markApplied(row: LoadRow, filename: string): void {
  const where = locate(filename, row.package);
  setStatus(row, { state: 'applied', version: where && readPackage(where.basedir)?.version, reason: undefined });
}
