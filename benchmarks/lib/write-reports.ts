// Writes <prefix>-<timestamp>.{json,md,html} and, when asked, latest copies.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BeforeAfterReport } from './before-after-report';
import { renderHtml } from './report-html';
import { renderMarkdown } from './report-md';
import type { ComprehensiveReport } from './result';

/** 2026-11-22T10:31:07.123Z -> 2026-11-22T10-31-07Z (safe in file names everywhere). */
export function fileStamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

export interface Written {
  files: string[];
  latest: string[];
}

/**
 * latest.md and latest.html tell the latest comprehensive run with the latest before/after run in
 * it: the two runs write their JSON separately (comprehensive first, then before/after), so both
 * re-render the pair. Returns the files rewritten.
 */
export function refreshLatest(outDir: string): string[] {
  const json = path.join(outDir, 'latest.json');
  if (!existsSync(json)) return [];
  const rep = JSON.parse(readFileSync(json, 'utf8')) as ComprehensiveReport;
  if (rep.schema !== 'fast-litellm.comprehensive/1') return [];
  const baFile = path.join(outDir, 'latest.before-after.json');
  const ba = existsSync(baFile) ? (JSON.parse(readFileSync(baFile, 'utf8')) as BeforeAfterReport) : undefined;
  const md = path.join(outDir, 'latest.md');
  const html = path.join(outDir, 'latest.html');
  writeFileSync(md, renderMarkdown(rep, ba?.schema === 'fast-litellm.before-after/1' ? ba : undefined));
  writeFileSync(html, renderHtml(rep, ba?.schema === 'fast-litellm.before-after/1' ? ba : undefined));
  return [md, html];
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
  if (latestPrefix === 'latest' || latestPrefix === 'latest.before-after') {
    for (const f of refreshLatest(outDir)) if (!latest.includes(f)) latest.push(f);
  }
  return { files, latest };
}
