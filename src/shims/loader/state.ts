import type { FunctionRow, PatchRow, PatchTable, RowStatus, ValueRow } from '../types';

// Everything the loader knows, in one object: what is registered, what it has seen load, what it
// replaced (to restore it exactly), and the process-wide hooks it installed.

export interface Applied {
  row: FunctionRow | ValueRow;
  /** The module exports the row was offered (the holder differs for dotted paths). */
  exports: Record<string, unknown>;
  /** The object holding the replaced property (module exports, or an exported object for dotted paths). */
  holder: Record<string, unknown>;
  key: string;
  original: unknown;
  replacement: unknown;
  /** The property as it was, restored as it was (a getter stays a getter). */
  descriptor: PropertyDescriptor | undefined;
}

/** A loaded module one export row matches: kept so a feature turned on or off later re-applies or restores. */
export interface Seen {
  row: FunctionRow | ValueRow;
  exports: Record<string, unknown>;
  version: string;
}

export interface PackageInfo {
  version: string;
  main: string;
}

export interface Unhook {
  unhook(): void;
}

export const state = {
  active: false,
  tables: [] as PatchTable[],
  status: new Map<string, RowStatus>(),
  applied: [] as Applied[],
  seen: [] as Seen[],
  packages: new Map<string, PackageInfo | null>(),
  hooks: {} as { require?: Unhook; import?: Unhook; jsLoader?: Unhook; defer?: Unhook },
};

/** Called when a row's state changes (the loader's per-package report listens). */
export const statusListeners: ((row: PatchRow) => void)[] = [];

export function setStatus(row: PatchRow, patch: Partial<RowStatus>): void {
  const s = state.status.get(row.id);
  if (s) Object.assign(s, patch);
  for (const l of statusListeners) l(row);
}
