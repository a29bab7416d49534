// Re-renders the Markdown and HTML of a comprehensive report from its JSON (same run, new layout),
// with the before/after run included when there is one:
//   npx tsx benchmarks/render.ts reports/latest.json          -> reports/latest.md, reports/latest.html
//   npx tsx benchmarks/render.ts X.json --before-after Y.json  (default: X.before-after.json, if present)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BeforeAfterReport } from './lib/before-after-report';
import { renderHtml } from './lib/report-html';
import { renderMarkdown } from './lib/report-md';
import type { ComprehensiveReport } from './lib/result';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const file = args[0];
if (!file || !file.endsWith('.json')) fail('usage: npx tsx benchmarks/render.ts <comprehensive report>.json [--before-after <file>.json]');
const base = file.slice(0, -'.json'.length);
const baIndex = args.indexOf('--before-after');
const baFile = baIndex === -1 ? `${base}.before-after.json` : args[baIndex + 1];
if (baIndex !== -1 && (!baFile || !existsSync(baFile))) fail(`--before-after: no such file ${String(baFile)}`);

const report = JSON.parse(readFileSync(file, 'utf8')) as ComprehensiveReport;
if (report.schema !== 'fast-litellm.comprehensive/1') fail(`${file}: not a comprehensive report (schema ${String(report.schema)})`);
let ba: BeforeAfterReport | undefined;
if (existsSync(baFile)) {
  ba = JSON.parse(readFileSync(baFile, 'utf8')) as BeforeAfterReport;
  if (ba.schema !== 'fast-litellm.before-after/1') fail(`${baFile}: not a before/after report (schema ${String(ba.schema)})`);
}
writeFileSync(`${base}.md`, renderMarkdown(report, ba));
writeFileSync(`${base}.html`, renderHtml(report, ba));
process.stdout.write(`wrote ${base}.md and ${base}.html${ba ? ` (with the before/after run of ${ba.startedAt})` : ''}\n`);
