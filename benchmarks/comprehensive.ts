// The comprehensive shimmed-vs-baseline run: every row of benchmarks/rows/*.ts, equality checked
// before timing, baseline/accelerated/peers interleaved, reports in JSON, Markdown and HTML.
//   npx tsx benchmarks/comprehensive.ts [--quick] [--only ID|GROUP ...] [--ci] [--out reports]
import path from 'node:path';
import { ArgError, USAGE, parseArgs, type Args } from './lib/args';
import { plainLine } from './lib/format';
import { loadRows } from './lib/load-rows';
import { machineInfo } from './lib/machine';
import { mockAvailable, startMockChild, type MockHandle } from './lib/mock';
import { barProgress, plainProgress, wantBar } from './lib/progress';
import { renderHtml } from './lib/report-html';
import { renderMarkdown } from './lib/report-md';
import type { ComprehensiveReport, RowResult } from './lib/result';
import { FULL_SETTINGS, QUICK_SETTINGS, runCustomRow, runFnRow, timedOut, type RunSettings } from './lib/run-row';
import { countStatuses, gate } from './lib/stats';
import type { BenchRow, RowContext } from './lib/types';
import { fileStamp, writeReports } from './lib/write-reports';

const ROOT = path.resolve(__dirname, '..');

/** A row that hangs (a request never answered) must not hold the whole run: give up on it. */
async function runRow(row: BenchRow, ctx: RowContext, settings: RunSettings, timeoutMs: number): Promise<RowResult[]> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<RowResult[]>((resolve) => {
    timer = setTimeout(() => resolve([timedOut(row, timeoutMs, Date.now() - t0)]), timeoutMs);
  });
  const run = row.kind === 'fn' ? runFnRow(row, ctx, settings).then((r) => [r]) : runCustomRow(row, ctx);
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function slowerThanFloor(r: RowResult, tolerance: number): boolean {
  return r.status !== 'FAILED' && r.status !== 'skipped' && !((r.speedup ?? 0) >= (r.minSpeedup ?? tolerance));
}

async function main(args: Args): Promise<number> {
  const started = new Date();
  const settings = args.quick ? QUICK_SETTINGS : FULL_SETTINGS;
  const progress = wantBar(process.stderr, process.env, args.ci) ? barProgress() : plainProgress((s) => process.stdout.write(s));
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
  const rowsDir = path.resolve(args.rowsDir ?? path.join(ROOT, 'benchmarks', 'rows'));
  const { rows, broken } = await loadRows(rowsDir, ctx, args.only);

  if (args.list) {
    for (const r of rows) process.stdout.write(`${r.id}\t${r.group}\t${r.kind}\t${r.name}\n`);
    for (const b of broken) process.stdout.write(`(broken) ${b.file}: ${b.error}\n`);
    return broken.length ? 1 : 0;
  }
  if (rows.length === 0 && broken.length === 0) {
    process.stderr.write(`no rows match ${args.only.length ? args.only.join(', ') : `in ${rowsDir}`}\n`);
    await mock?.close();
    return 2;
  }

  const results: RowResult[] = broken.map((b) => ({
    id: `load:${b.file}`,
    name: `rows file ${b.file}`,
    group: 'load',
    kind: 'fn',
    baselineName: '-',
    acceleratedName: '-',
    status: 'FAILED',
    unit: 'ns',
    higherIsBetter: false,
    error: `could not load: ${b.error}`,
    durationMs: 0,
  }));
  for (const r of results) progress.log(plainLine(r));

  progress.start(rows.length);
  for (const row of rows) {
    progress.row(row.id);
    let res = await runRow(row, ctx, settings, args.rowTimeoutMs);
    // On a shared machine one noisy measurement must not fail CI: re-measure once, keep the second.
    if (args.ci && res.some((r) => slowerThanFloor(r, args.tolerance))) {
      const first = res;
      progress.log(`${row.id}: below the gate floor, measuring once more`);
      res = (await runRow(row, ctx, settings, args.rowTimeoutMs)).map((r) => {
        const f = first.find((x) => x.id === r.id);
        return f ? { ...r, firstAttempt: { speedup: f.speedup, status: f.status } } : r;
      });
    }
    results.push(...res);
    progress.done(res.map(plainLine));
  }
  progress.stop();
  await mock?.close();

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
