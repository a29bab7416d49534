// Writes <prefix>-<timestamp>.{json,md,html} and, when asked, latest copies.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** 2026-11-22T10:31:07.123Z -> 2026-11-22T10-31-07Z (safe in file names everywhere). */
export function fileStamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

export interface Written {
  files: string[];
  latest: string[];
}

export function writeReports(
  outDir: string,
  prefix: string,
  stamp: string,
  contents: Record<string, string>,
  latestPrefix: string | null,
): Written {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const latest: string[] = [];
  for (const [ext, text] of Object.entries(contents)) {
    const file = path.join(outDir, `${prefix}-${stamp}.${ext}`);
    writeFileSync(file, text);
    files.push(file);
    if (latestPrefix) {
      const l = path.join(outDir, `${latestPrefix}.${ext}`);
      copyFileSync(file, l);
      latest.push(l);
    }
  }
  return { files, latest };
}
