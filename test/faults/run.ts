import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt } from '../node-child';
import { cell, modesOf, ROOT, runCase, type CaseReport, type Row } from './matrix';
import { ROWS } from './table';

// `make test-faults`: every row of the fault matrix, two at a time, then the summary table; exits 1
// when a row fails. Options: --only <regex> (row ids), --jobs <n>, --list.

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function table(reports: CaseReport[]): string {
  const head = ['case', 'plain', 'shimmed -r', 'shimmed --import', 'verdict'];
  const body = reports.map(({ row, runs, verdict }) => [
    row.id,
    cell(runs.find((r) => r.mode === 'plain')),
    cell(runs.find((r) => r.mode === 'r')),
    cell(runs.find((r) => r.mode === 'import')),
    verdict.pass ? (verdict.notes.length > 0 ? 'PASS*' : 'PASS') : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  const only = option('--only');
  const jobs = Number(option('--jobs') ?? 2);
  const rows: Row[] = only ? ROWS.filter((r) => new RegExp(only).test(r.id)) : ROWS;
  if (process.argv.includes('--list')) {
    for (const r of rows) console.log(`${r.id}  (${modesOf(r).join(', ')})`);
    return;
  }
  const ids = new Set<string>();
  for (const r of ROWS) {
    if (ids.has(r.id)) throw new Error(`fault matrix: two rows named ${r.id}`);
    ids.add(r.id);
  }
  ensureBuilt();
  execFileSync('bash', [join(ROOT, 'scripts', 'fixtures.sh'), 'openai-5', 'openai-6', 'openai-7'], { stdio: ['ignore', 'ignore', 'inherit'] });

  const t0 = Date.now();
  const reports: CaseReport[] = new Array(rows.length);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const i = next++;
      reports[i] = await runCase(rows[i]);
      const { verdict } = reports[i];
      process.stderr.write(`${verdict.pass ? 'pass' : 'FAIL'}  ${rows[i].id}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  const secs = ((Date.now() - t0) / 1000).toFixed(0);

  console.log(`\nFault matrix: ${rows.length} cases, ${secs} s (${jobs} at a time)\n`);
  console.log(table(reports));
  const noted = reports.filter((r) => r.verdict.notes.length > 0);
  if (noted.length > 0) console.log('');
  for (const { row, verdict } of noted) {
    console.log(`${verdict.pass ? 'note' : 'FAIL'} ${row.id}${row.differs ? ` (allowed: ${row.differs.doc})` : ''}`);
    for (const n of verdict.notes) console.log(`  - ${n}`);
  }
  const failed = reports.filter((r) => !r.verdict.pass).length;
  console.log(`\n${reports.length - failed} passed, ${failed} failed`);
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  writeFileSync(join(ROOT, 'reports', 'faults.json'), JSON.stringify(reports.map(({ row, runs, verdict }) => ({
    id: row.id, verdict, runs: runs.map(({ line, ...r }) => ({ ...r, line })),
  })), null, 1));
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
