// The same chat app (benchmarks/workload/chat-app.mjs) run as separate processes, plain `node` vs
// `node --import <repo>/dist/esm/register.mjs`, alternating, against the mock server in a third
// process. Reports startup, throughput, latency, CPU and peak RSS with the ratio per pair.
//   npx tsx benchmarks/before-after.ts [--quick] [--pairs N] [--users N] [--turns N] [--out reports]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { machineInfo } from './lib/machine';
import { startMockChild } from './lib/mock';
import { renderBeforeAfterMd, summarizePairs, type BeforeAfterReport, type WorkloadRun } from './lib/before-after-report';
import { fileStamp, writeReports } from './lib/write-reports';

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'benchmarks', 'workload', 'chat-app.mjs');
const MOCK_OPTIONS = { replyTokens: 48 };
const MARK = 'BEFORE_AFTER_RESULT ';

interface Opts {
  quick: boolean;
  pairs: number;
  users: number;
  turns: number;
  out: string;
  latest: boolean;
}

function parse(argv: string[]): Opts {
  const o: Opts = { quick: false, pairs: 5, users: 8, turns: 8, out: 'reports', latest: true };
  let pairsSet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1 || v > 1000) throw new Error(`${a} needs an integer from 1 to 1000`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--pairs') {
      o.pairs = num();
      pairsSet = true;
    } else if (a === '--users') o.users = num();
    else if (a === '--turns') o.turns = num();
    else if (a === '--out') o.out = argv[++i] ?? o.out;
    else if (a === '--no-latest') o.latest = false;
    else throw new Error(`unknown option ${a}`);
  }
  if (o.quick && !pairsSet) o.pairs = 2;
  if (o.quick) o.latest = false;
  return o;
}

/** The shim's entry: the ESM register when built, else the CommonJS one. */
function registerFlags(): string[] {
  const esm = path.join(ROOT, 'dist', 'esm', 'register.mjs');
  if (existsSync(esm)) return ['--import', esm];
  const cjs = path.join(ROOT, 'dist', 'cjs', 'register.js');
  if (existsSync(cjs)) return ['-r', cjs];
  throw new Error('dist/ is not built: run `make build` first');
}

function runOnce(flags: string[], mockUrl: string, o: Opts): Promise<WorkloadRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, MOCK_URL: mockUrl };
  // Only the flags under test: an inherited NODE_OPTIONS could load the shim into the plain run.
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [...flags, SCRIPT, '--users', String(o.users), '--turns', String(o.turns)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const processMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) {
        reject(new Error(`workload exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      resolve({ ...(JSON.parse(line.slice(MARK.length)) as Omit<WorkloadRun, 'processMs'>), processMs });
    });
  });
}

async function main(): Promise<number> {
  const o = parse(process.argv.slice(2));
  const started = new Date();
  const shimFlags = registerFlags();
  const mock = await startMockChild(ROOT, MOCK_OPTIONS);
  const plain: WorkloadRun[] = [];
  const shimmed: WorkloadRun[] = [];
  const errors: string[] = [];
  try {
    // One untimed run of each warms the file cache, so pair 1 is not a cold-disk outlier.
    await runOnce([], mock.url, o);
    await runOnce(shimFlags, mock.url, o);
    for (let i = 0; i < o.pairs; i++) {
      // Alternate who goes first: the second run of a pair must not always be the shimmed one.
      const shimFirst = i % 2 === 1;
      const first = await runOnce(shimFirst ? shimFlags : [], mock.url, o);
      const second = await runOnce(shimFirst ? [] : shimFlags, mock.url, o);
      const [p, s] = shimFirst ? [second, first] : [first, second];
      plain.push(p);
      shimmed.push(s);
      process.stdout.write(
        `pair ${i + 1}/${o.pairs}: startup ${p.startupMs.toFixed(0)} -> ${s.startupMs.toFixed(0)} ms, ` +
          `throughput ${p.throughput.toFixed(1)} -> ${s.throughput.toFixed(1)} req/s, ` +
          `cpu ${p.cpuTotalMs.toFixed(0)} -> ${s.cpuTotalMs.toFixed(0)} ms\n`,
      );
    }
  } finally {
    await mock.close();
  }
  const all = [...plain, ...shimmed];
  const outputsEqual = all.every((r) => r.checksum === all[0].checksum);
  if (!outputsEqual) errors.push('outputs differ between runs (checksums: ' + [...new Set(all.map((r) => r.checksum))].join(', ') + ')');
  const failedRequests = all.reduce((s, r) => s + r.errors, 0);
  if (failedRequests) errors.push(`${failedRequests} requests failed`);
  const report: BeforeAfterReport = {
    schema: 'fast-litellm.before-after/1',
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    machine: machineInfo(ROOT),
    workload: { script: path.relative(ROOT, SCRIPT), users: o.users, turns: o.turns, mock: MOCK_OPTIONS },
    commands: {
      plain: `node ${path.relative(ROOT, SCRIPT)}`,
      shimmed: `node ${shimFlags[0]} ${path.relative(ROOT, shimFlags[1])} ${path.relative(ROOT, SCRIPT)}`,
    },
    runs: { plain, shimmed },
    metrics: summarizePairs(plain, shimmed),
    outputsEqual,
    errors,
  };
  const md = renderBeforeAfterMd(report);
  const written = writeReports(
    path.resolve(o.out),
    'before-after',
    fileStamp(started),
    { json: JSON.stringify(report, null, 2) + '\n', md },
    o.latest ? 'latest.before-after' : null,
  );
  process.stdout.write('\n' + md.split('\n').filter((l) => l.startsWith('|')).join('\n') + '\n\n');
  for (const f of [...written.files, ...written.latest]) process.stdout.write(`wrote ${path.relative(process.cwd(), f)}\n`);
  for (const e of errors) process.stderr.write(`before-after: ${e}\n`);
  return errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`before-after: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
