// Re-renders the Markdown and HTML of a comprehensive report from its JSON (same run, new layout):
//   npx tsx benchmarks/render.ts reports/latest.json   -> reports/latest.md, reports/latest.html
import { readFileSync, writeFileSync } from 'node:fs';
import { renderHtml } from './lib/report-html';
import { renderMarkdown } from './lib/report-md';
import type { ComprehensiveReport } from './lib/result';

const file = process.argv[2];
if (!file || !file.endsWith('.json')) {
  process.stderr.write('usage: npx tsx benchmarks/render.ts <comprehensive report>.json\n');
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, 'utf8')) as ComprehensiveReport;
if (report.schema !== 'fast-litellm.comprehensive/1') {
  process.stderr.write(`${file}: not a comprehensive report (schema ${String(report.schema)})\n`);
  process.exit(2);
}
const base = file.slice(0, -'.json'.length);
writeFileSync(`${base}.md`, renderMarkdown(report));
writeFileSync(`${base}.html`, renderHtml(report));
process.stdout.write(`wrote ${base}.md and ${base}.html\n`);
