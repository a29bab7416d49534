// Finds every rows file, loads it and keeps the rows selected by --only. A file that fails to load
// becomes one FAILED row so the breakage shows in the report instead of silently shrinking it.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchRow, RowContext, RowsExport } from './types';

export interface LoadedRows {
  rows: BenchRow[];
  /** Files that could not be loaded, with the reason. */
  broken: { file: string; error: string }[];
}

/** `tokens` matches group 'tokens' and ids 'tokens.*'; `tokens.count.1k` matches that id. */
export function matchesOnly(row: Pick<BenchRow, 'id' | 'group'>, only: readonly string[]): boolean {
  if (only.length === 0) return true;
  return only.some((o) => row.id === o || row.group === o || row.id.startsWith(o + '.'));
}

export function rowFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /\.(ts|mts|js|mjs)$/.test(n) && !n.endsWith('.d.ts') && !n.startsWith('_'))
    .sort()
    .map((n) => path.join(dir, n));
}

export async function loadRows(dir: string, ctx: RowContext, only: readonly string[]): Promise<LoadedRows> {
  return loadRowFiles(rowFiles(dir), ctx, only);
}

export async function loadRowFiles(
  files: readonly string[],
  ctx: RowContext,
  only: readonly string[],
): Promise<LoadedRows & { byFile: Map<string, BenchRow[]> }> {
  const rows: BenchRow[] = [];
  const broken: LoadedRows['broken'] = [];
  const seen = new Set<string>();
  const byFile = new Map<string, BenchRow[]>();
  for (const file of files) {
    try {
      const mod = (await import(pathToFileURL(file).href)) as { rows?: RowsExport; default?: { rows?: RowsExport } };
      const exp = mod.rows ?? mod.default?.rows;
      if (!exp) throw new Error('exports no `rows`');
      const list = typeof exp === 'function' ? await exp(ctx) : exp;
      for (const r of list) {
        if (seen.has(r.id)) throw new Error(`duplicate row id ${r.id}`);
        seen.add(r.id);
        if (matchesOnly(r, only)) {
          rows.push(r);
          byFile.set(file, [...(byFile.get(file) ?? []), r]);
        }
      }
    } catch (err) {
      broken.push({ file: path.basename(file), error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { rows, broken, byFile };
}
