import Module from 'node:module';
import { join } from 'node:path';
import { warnOnce } from '../../log';
import { featureState } from '../features';
import { type AnyFn, guard } from '../guard';
import type { FunctionRow, PatchRow, ValueRow } from '../types';
import { readPackage, rowFile, stripJs, versionOk } from './packages';
import { type Applied, type Seen, setStatus, state } from './state';

// Export rows: replace one export (or one property of an exported object) while the row's feature
// is on, and put the original back, descriptor and all, when it is turned off or removed.

type ExportRow = FunctionRow | ValueRow;

export const isExportRow = (row: PatchRow): row is ExportRow => 'export' in row;

const isObjectLike = (v: unknown): v is Record<string, unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function');

/** A feature left on, in shadow or in rollout keeps its rows in place; only 'off' restores the originals. */
function wanted(row: PatchRow): boolean {
  return featureState(row.feature).configured.mode !== 'off';
}

const cache = (Module as unknown as { _cache: Record<string, NodeJS.Module | undefined> })._cache;

/** Rows to offer when the package's file `rel` has loaded: rows of that file, or rows that wait for it. */
function rowsFor(pkg: string, basedir: string, rel: string): ExportRow[] {
  const file = stripJs(rel);
  const out: ExportRow[] = [];
  for (const t of state.tables) {
    if (t.package !== pkg) continue;
    for (const row of t.rows) if (isExportRow(row) && rowFile(row, basedir, 'after') === file) out.push(row);
  }
  return out;
}

/** Called for each loaded file of a patched package (require hook, import hook, or already loaded). */
export function offer(pkg: string, exports: unknown, basedir: string, rel: string): void {
  if (!isObjectLike(exports)) return;
  for (const row of rowsFor(pkg, basedir, rel)) {
    if (!versionOk(row, basedir)) continue;
    const target = row.after === undefined ? exports : cache[join(basedir, row.file)]?.exports;
    if (!isObjectLike(target)) {
      setStatus(row, { state: 'skipped', reason: `${row.package}/${row.file} was not loaded when ${row.after} was` });
      continue;
    }
    if (state.seen.some((s) => s.row === row && s.exports === target)) continue;
    const seen: Seen = { row, exports: target, version: readPackage(basedir)!.version };
    state.seen.push(seen);
    sync(seen);
  }
}

/**
 * Matches every loaded row to its feature's configured mode. Rows on one property stack in the order
 * they were applied: turning one off unwinds the rows above it first and re-applies those still
 * wanted, so every layer is restored or kept exactly.
 */
export function syncAll(): void {
  const unwind = new Set<Applied>();
  const byProperty = new Map<Record<string, unknown>, Map<string, Applied[]>>();
  for (const a of state.applied) {
    let keys = byProperty.get(a.holder);
    if (keys === undefined) byProperty.set(a.holder, (keys = new Map()));
    const stack = keys.get(a.key) ?? [];
    stack.push(a);
    keys.set(a.key, stack);
  }
  for (const keys of byProperty.values()) {
    for (const stack of keys.values()) {
      const first = stack.findIndex((a) => !wanted(a.row));
      if (first !== -1) for (const a of stack.slice(first)) unwind.add(a);
    }
  }
  for (const a of [...state.applied].reverse()) if (unwind.has(a)) restore(a, 'off');
  for (const s of state.seen) sync(s);
}

/** Applies or restores one seen row to match its feature's configured mode. */
export function sync(s: Seen): void {
  const a = state.applied.find((x) => x.row === s.row && x.exports === s.exports);
  const on = wanted(s.row);
  if (on && a === undefined) apply(s);
  else if (!on && a !== undefined) restore(a, 'off');
  else if (!on) setStatus(s.row, { state: 'off', version: s.version, reason: `feature ${s.row.feature} is off; the original is in place` });
}

function holderOf(exports: Record<string, unknown>, path: string[]): Record<string, unknown> | undefined {
  let h: unknown = exports;
  for (const p of path) h = isObjectLike(h) ? h[p] : undefined;
  return isObjectLike(h) ? h : undefined;
}

function apply(s: Seen): void {
  const { row, exports, version } = s;
  const path = row.export.split('.');
  const key = path.pop()!;
  const holder = holderOf(exports, path);
  const original = holder?.[key];
  const expected = 'replace' in row ? 'a function' : 'a value';
  if (holder === undefined || ('replace' in row ? typeof original !== 'function' : original === undefined)) {
    setStatus(row, { state: 'skipped', version, reason: `${row.export} of ${row.package}/${row.file || 'main'} is ${typeof original}, expected ${expected}` });
    warnOnce(`${row.id}: ${row.export} not found in ${row.package} ${version}; left unaccelerated`);
    return;
  }
  let replacement: unknown;
  try {
    replacement = 'replace' in row
      ? guard({
        component: row.id,
        feature: row.feature,
        original: original as AnyFn,
        accelerated: row.replace(original as AnyFn, holder),
        ...row.guard,
      })
      : row.value(original, holder);
  } catch (err) {
    setStatus(row, { state: 'skipped', version, reason: `setup failed: ${(err as Error).message}` });
    warnOnce(`${row.id}: setup failed (${(err as Error).message}); left unaccelerated`);
    return;
  }
  const descriptor = Object.getOwnPropertyDescriptor(holder, key);
  if (!setProperty(holder, key, replacement, descriptor)) {
    setStatus(row, { state: 'skipped', version, reason: `${row.export} is read-only` });
    warnOnce(`${row.id}: ${row.export} is read-only; left unaccelerated`);
    return;
  }
  state.applied.push({ row, exports, holder, key, original, replacement, descriptor });
  setStatus(row, { state: 'applied', version, reason: undefined });
}

/** Puts the original back if the property still holds our replacement; else leaves the newer value. */
export function restore(a: Applied, why: 'off' | 'removed'): void {
  state.applied.splice(state.applied.indexOf(a), 1);
  const reason = why === 'off' ? `feature ${a.row.feature} is off; the original is in place` : 'removeAcceleration() restored the original';
  if (a.holder[a.key] === a.replacement) {
    restoreProperty(a.holder, a.key, a.original, a.descriptor);
    setStatus(a.row, { state: why, reason });
  } else {
    setStatus(a.row, { state: why, reason: `${a.row.export} was replaced by someone else since; left as is` });
    warnOnce(`${a.row.id}: ${a.row.export} was replaced by someone else after fast-litellm; not restored`);
  }
}

/** Sets a property of module exports or of an exported object. */
type Holder = Record<string, unknown>;

function setProperty(target: Holder, key: string, value: unknown, desc: PropertyDescriptor | undefined): boolean {
  try {
    if (desc === undefined || desc.writable || desc.set) {
      target[key] = value;
    } else if (desc.configurable) {
      // TypeScript's re-export getters: keep enumerability, make the value ours until restored.
      Object.defineProperty(target, key, { value, writable: true, enumerable: desc.enumerable, configurable: true });
    }
  } catch {
    return false;
  }
  return target[key] === value;
}

function restoreProperty(target: Holder, key: string, original: unknown, desc: PropertyDescriptor | undefined): void {
  try {
    // setProperty redefined such a property (a re-export getter): put the getter back as it was.
    const redefined = desc !== undefined && !desc.writable && !desc.set && desc.configurable;
    if (redefined) Object.defineProperty(target, key, desc);
    else target[key] = original;
  } catch {
    warnOnce(`could not restore ${key}; the replacement stays`);
  }
}
