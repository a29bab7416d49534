// The comprehensive shimmed-vs-baseline run: every row of benchmarks/rows/*.ts, equality checked
// before timing, baseline/accelerated/peers interleaved, reports in JSON, Markdown and HTML.
//   npx tsx benchmarks/comprehensive.ts [--quick] [--only ID|GROUP ...] [--ci] [--out reports]
// Each rows file runs in its own child process (this same script with --child), the mock server
// in another; this process only orchestrates and writes the reports.
import path from 'node:path';
import { ArgError, USAGE, parseArgs, type Args } from './lib/args';
import { plainLine } from './lib/format';
import { childProgress, emit, runChild } from './lib/isolate';
import { loadRowFiles, rowFiles } from './lib/load-rows';
import { machineInfo } from './lib/machine';
import { mockAvailable, startMockChild, type MockHandle } from './lib/mock';
import { barProgress, plainProgress, wantBar, type Progress } from './lib/progress';
import { renderHtml } from './lib/report-html';
import { renderMarkdown } from './lib/report-md';
import type { ComprehensiveReport, RowMeta, RowResult } from './lib/result';
import { FULL_SETTINGS, QUICK_SETTINGS } from './lib/run-row';
import { runRows } from './lib/run-rows';
import { countStatuses, gate } from './lib/stats';
import type { BenchRow, RowContext } from './lib/types';
import { fileStamp, writeReports } from './lib/write-reports';

const ROOT = path.resolve(__dirname, '..');
const MOCK_ENV = 'FAST_LITELLM_BENCH_MOCK_URL';

function meta(r: BenchRow): RowMeta {
  const { id, name, group, kind, baselineName, acceleratedName } = r;
  return { id, name, group, kind, baselineName, acceleratedName };
}

function failedRow(m: RowMeta, error: string): RowResult {
  return { ...m, status: 'FAILED', unit: 'ns', higherIsBetter: false, error, durationMs: 0 };
}

function brokenFile(file: string, error: string): RowResult {
  return failedRow(
    { id: `load:${file}`, name: `rows file ${file}`, group: 'load', kind: 'fn', baselineName: '-', acceleratedName: '-' },
    `could not load: ${error}`,
  );
}

function rowsDirOf(args: Args): string {
  return path.resolve(args.rowsDir ?? path.join(ROOT, 'benchmarks', 'rows'));
}

function passThrough(args: Args): string[] {
  return [
    ...(args.quick ? ['--quick'] : []),
    ...(args.ci ? ['--ci'] : []),
    '--tolerance', String(args.tolerance),
    '--row-timeout', String(args.rowTimeoutMs / 1000),
    ...args.only.flatMap((o) => ['--only', o]),
  ];
}

/** Child: run the rows of one file, reporting each to the parent. */
async function child(args: Args): Promise<number> {
  const ctx: RowContext = { quick: args.quick, mockUrl: process.env[MOCK_ENV] || undefined, tick: (l) => emit({ t: 'tick', label: l }) };
  if (args.childList) {
    const files = rowFiles(rowsDirOf(args));
    const { byFile, broken } = await loadRowFiles(files, ctx, args.only);
    emit({ t: 'list', files: files.filter((f) => byFile.has(f)).map((f) => ({ file: f, rows: byFile.get(f)!.map(meta) })), broken });
    emit({ t: 'end', broken: [] });
    return 0;
  }
  const { rows, broken } = await loadRowFiles([args.child!], ctx, args.only);
  await runRows(rows, ctx, args.quick ? QUICK_SETTINGS : FULL_SETTINGS, args, childProgress());
  emit({ t: 'end', broken });
  return 0;
}

/** Parent, default: one child per rows file. */
async function isolated(args: Args, progress: Progress, mockUrl: string | undefined): Promise<RowResult[] | null> {
  const script = __filename;
  const env: NodeJS.ProcessEnv = { ...process.env, [MOCK_ENV]: mockUrl ?? '' };
  // A child always reports within a row's timeout (it enforces it); silence well past that means a
  // row is stuck in synchronous code, where only killing the process helps.
  const silenceMs = Math.round(args.rowTimeoutMs * 1.2) + 10_000;
  let listing: { files: { file: string; rows: RowMeta[] }[]; broken: { file: string; error: string }[] } | undefined;
  const listed = await runChild(
    { script, args: ['--child-list', '--rows', rowsDirOf(args), ...passThrough(args)], env, cwd: ROOT, silenceMs },
    progress,
    (ev) => {
      if (ev.t === 'list') listing = ev;
    },
  );
  if (!listing) throw new Error(`could not list the rows: ${listed.crash ?? 'no answer'}`);
  if (args.list) {
    for (const f of listing.files) for (const r of f.rows) process.stdout.write(`${r.id}\t${r.group}\t${r.kind}\t${r.name}\n`);
    for (const b of listing.broken) process.stdout.write(`(broken) ${b.file}: ${b.error}\n`);
    return null;
  }
  const results: RowResult[] = listing.broken.map((b) => brokenFile(b.file, b.error));
  for (const r of results) progress.log(plainLine(r));
  const total = listing.files.reduce((n, f) => n + f.rows.length, 0);
  if (total === 0 && results.length === 0) return [];
  progress.start(total);
  for (const f of listing.files) {
    const started = new Set<string>();
    const run = await runChild(
      { script, args: ['--child', f.file, ...passThrough(args)], env, cwd: ROOT, silenceMs },
      progress,
      (ev) => {
        if (ev.t === 'row') started.add(ev.id);
      },
    );
    results.push(...run.results, ...run.broken.map((b) => brokenFile(b.file, b.error)));
    if (run.crash) {
      // Rows the worker never finished are reported, not dropped.
      const finishedRows = new Set([...started].filter((id) => run.results.some((r) => r.id === id || r.id.startsWith(id + '.'))));
      const missing = f.rows.filter((r) => !finishedRows.has(r.id));
      const lost = missing.map((r) => failedRow(r, started.has(r.id) ? run.crash! : `not run: ${run.crash}`));
      results.push(...lost);
      progress.done(lost.map(plainLine), lost);
    }
  }
  return results;
}

async function inProcess(args: Args, progress: Progress, ctx: RowContext): Promise<RowResult[] | null> {
  const { rows, broken } = await loadRowFiles(rowFiles(rowsDirOf(args)), ctx, args.only);
  if (args.list) {
    for (const r of rows) process.stdout.write(`${r.id}\t${r.group}\t${r.kind}\t${r.name}\n`);
    for (const b of broken) process.stdout.write(`(broken) ${b.file}: ${b.error}\n`);
    return null;
  }
  const results = broken.map((b) => brokenFile(b.file, b.error));
  for (const r of results) progress.log(plainLine(r));
  progress.start(rows.length);
  results.push(...(await runRows(rows, ctx, args.quick ? QUICK_SETTINGS : FULL_SETTINGS, args, progress)));
  return results;
}

async function main(args: Args): Promise<number> {
  if (args.child || args.childList) return child(args);
  const started = new Date();
  const progress = wantBar(process.stderr, process.env, args.ci)
    ? barProgress()
    : plainProgress((s) => process.stdout.write(s));
  const machine = machineInfo(ROOT);

  let mock: MockHandle | null = null;
  if (!args.list && mockAvailable(ROOT)) {
    try {
      mock = await startMockChild(ROOT);
    } catch (err) {
      progress.log(`warning: mock server not started (${err instanceof Error ? err.message : String(err)}); rows needing HTTP will fail`);
    }
  }
  const ctx: RowContext = { quick: args.quick, mockUrl: mock?.url, tick: (label) => progress.tick(label) };
  let results: RowResult[] | null;
  try {
    results = args.inProcess ? await inProcess(args, progress, ctx) : await isolated(args, progress, mock?.url);
  } finally {
    progress.stop();
    await mock?.close();
  }
  if (results === null) return 0;
  if (results.length === 0) {
    process.stderr.write(`no rows match ${args.only.length ? args.only.join(', ') : `in ${rowsDirOf(args)}`}\n`);
    return 2;
  }

  const finished = new Date();
  const report: ComprehensiveReport = {
    schema: 'fast-litellm.comprehensive/1',
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    options: { quick: args.quick, ci: args.ci, only: args.only, tolerance: args.tolerance },
    machine,
    summary: { ...countStatuses(results), total: results.length },
    rows: results,
    gate: args.ci ? gate(results, args.tolerance) : undefined,
  };
  const written = writeReports(
    path.resolve(args.out),
    'comprehensive',
    fileStamp(started),
    { json: JSON.stringify(report, null, 2) + '\n', md: renderMarkdown(report), html: renderHtml(report) },
    args.latest ? 'latest' : null,
  );

  const s = report.summary;
  process.stdout.write(
    `\n${s.total} rows in ${(report.durationMs / 1000).toFixed(0)} s: faster ${s.faster}, same ${s.same}, ` +
      `overhead ${s.overhead}, REGRESSION ${s.REGRESSION}, FAILED ${s.FAILED}, skipped ${s.skipped}\n`,
  );
  for (const f of [...written.files, ...written.latest]) process.stdout.write(`wrote ${path.relative(process.cwd(), f)}\n`);
  // The budget the rows share (full run 15 min, --quick about 2): say so when the rows outgrow it.
  const budgetMin = args.quick ? 3 : 15;
  if (args.only.length === 0 && report.durationMs > budgetMin * 60_000) {
    process.stdout.write(`warning: the run took ${(report.durationMs / 60_000).toFixed(1)} min, over its ${budgetMin} min budget\n`);
  }
  let code = s.FAILED > 0 ? 1 : 0;
  if (report.gate) {
    if (report.gate.passed) {
      process.stdout.write(`CI gate passed (tolerance ${report.gate.tolerance}x)\n`);
    } else {
      process.stdout.write(`CI gate FAILED (tolerance ${report.gate.tolerance}x):\n`);
      for (const f of report.gate.failures) process.stdout.write(`  ${f.id}: ${f.reason}\n`);
      code = 1;
    }
  }
  for (const r of results.filter((x) => x.status === 'FAILED')) process.stderr.write(`FAILED ${r.id}: ${r.error}\n`);
  return code;
}

let args: Args;
try {
  args = parseArgs(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(`${err instanceof ArgError ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
main(args).then(
  // Exit explicitly: a row's leftover handle (a socket, a worker) must not hold the run open.
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`comprehensive benchmark crashed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
