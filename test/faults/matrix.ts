import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, diffs, extra, omit, short, type Check } from './compare';
import { startCaseServers, type CaseServers, type RedisAtStart } from './servers';

// One row of the fault matrix: a case script run plain, with `-r fast-litellm/register` and (for a
// subset) `--import fast-litellm/register`, each in its own child, against the same servers; then
// the verdict. The only allowed differences are the row's `differs` (each naming its README entry).

export const ROOT = join(__dirname, '..', '..');
const HARNESS = join(__dirname, 'child', 'harness.cjs');
const MARK = '@@fault-result ';
/** How long a process may take to end by itself once its case is done. */
export const EXIT_BOUND_MS = 3000;

export type Mode = 'plain' | 'r' | 'import';

export interface Row {
  id: string;
  /** test/faults/cases/<script>.cjs */
  script: string;
  params?: Record<string, unknown>;
  /** Also run with `--import fast-litellm/register`. */
  imports?: boolean;
  /** The same environment in every mode ({MOCK}, {FRONT}, {REDIS}, {REFUSED}, {TMP} filled in). */
  env?: Record<string, string>;
  redis?: RedisAtStart;
  /** --expose-gc, and the harness collects garbage before it looks at what is left. */
  gc?: boolean;
  /** test/faults/preload/<name>.cjs as a `-r` preload in every mode. */
  preload?: string;
  /** Prepares the case's temporary folder ({TMP}). */
  setup?: (dir: string) => void;
  /** Result keys that differ by design, what each side must hold, and the README entry saying so. */
  differs?: { keys: string[]; doc: string; plain?: Check; shimmed?: Check };
  /** What both results must hold. */
  expect?: Check;
  /** Leak counts (t.leak) that must be 0 in the shimmed runs; every other one must be at most plain's. */
  zero?: string[];
  /** Warnings (and their stderr lines) the shimmed runs may have beyond plain's. */
  warns?: RegExp;
  /** The shimmed process stops at startup: its exit code and its one stderr line. */
  startup?: { code: number; stderr: RegExp; doc: string };
  timeoutMs?: number;
}

export interface ChildRun {
  mode: Mode;
  code: number | null;
  /** Killed because its case outlived the row's bound. */
  killed: boolean;
  /** Its case was done but the process did not end within EXIT_BOUND_MS. */
  stayed: boolean;
  line?: any;
  stderr: string;
  ms: number;
  exitLagMs?: number;
  /** Requests the mock and the front served during this run. */
  served: number;
}

export interface Verdict {
  pass: boolean;
  notes: string[];
}

export interface CaseReport {
  row: Row;
  runs: ChildRun[];
  verdict: Verdict;
}

const MODE_ARGS: Record<Mode, string[]> = {
  plain: [],
  r: ['-r', 'fast-litellm/register'],
  import: ['--import', 'fast-litellm/register'],
};

export function modesOf(row: Row): Mode[] {
  return row.imports ? ['plain', 'r', 'import'] : ['plain', 'r'];
}

function fill(v: string, s: CaseServers, dir: string): string {
  return v.replace(/\{(MOCK|FRONT|REDIS|REFUSED|TMP)\}/g, (_, k: string) =>
    k === 'MOCK' ? s.mock.url : k === 'FRONT' ? s.frontUrl : k === 'REDIS' ? s.redisUrl ?? '' : k === 'REFUSED' ? s.refusedUrl : dir);
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('FAST_LITELLM_') && k !== 'NODE_OPTIONS') env[k] = v;
  return env;
}

function runChild(row: Row, mode: Mode, s: CaseServers, dir: string): Promise<Omit<ChildRun, 'served'>> {
  const args = [
    ...(row.gc ? ['--expose-gc'] : []),
    ...MODE_ARGS[mode],
    ...(row.preload ? ['-r', join(__dirname, 'preload', `${row.preload}.cjs`)] : []),
    HARNESS,
  ];
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    FAULT_CASE: join(__dirname, 'cases', `${row.script}.cjs`),
    FAULT_PARAMS: JSON.stringify({ ...row.params, gc: row.gc === true }),
    FAULT_MOCK: s.mock.url,
    FAULT_FRONT: s.frontUrl,
    FAULT_REDIS: s.redisUrl ?? '',
    FAULT_REFUSED: s.refusedUrl,
    OPENAI_API_KEY: 'sk-fault',
    OPENAI_BASE_URL: `${s.mock.url}/v1`,
    ANTHROPIC_API_KEY: 'sk-ant-fault',
  };
  for (const [k, v] of Object.entries(row.env ?? {})) env[k] = fill(v, s, dir);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let doneAt: number | undefined;
    let killed = false;
    let stayed = false;
    let exitTimer: NodeJS.Timeout | undefined;
    const hard = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, row.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (doneAt === undefined && out.includes(MARK) && out.slice(out.indexOf(MARK)).includes('\n')) {
        doneAt = Date.now();
        clearTimeout(hard);
        exitTimer = setTimeout(() => { stayed = true; child.kill('SIGKILL'); }, EXIT_BOUND_MS);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(hard);
      clearTimeout(exitTimer);
      const at = out.lastIndexOf(MARK);
      let line: any;
      if (at >= 0) {
        try {
          line = JSON.parse(out.slice(at + MARK.length).split('\n')[0]);
        } catch {
          line = { unparsable: out.slice(at, at + 300) };
        }
      }
      resolve({
        mode, code, killed, stayed, line, stderr, ms: Date.now() - t0,
        ...(doneAt === undefined ? {} : { exitLagMs: Date.now() - doneAt }),
      });
    });
  });
}

export async function runCase(row: Row): Promise<CaseReport> {
  const dir = mkdtempSync(join(tmpdir(), 'fl-faults-'));
  const servers = await startCaseServers(row.redis);
  const runs: ChildRun[] = [];
  try {
    row.setup?.(dir);
    for (const mode of modesOf(row)) {
      await servers.reset();
      const run = await runChild(row, mode, servers, dir);
      const stats = servers.mock.stats();
      runs.push({ ...run, served: stats.requests });
    }
  } finally {
    await servers.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { row, runs, verdict: verdict(row, runs) };
}

/** How a run ended, in a few characters for the summary table. */
export function cell(r: ChildRun | undefined): string {
  if (r === undefined) return '-';
  const secs = `${(r.ms / 1000).toFixed(1)}s`;
  if (r.killed) return `hung ${secs}`;
  if (r.line?.unfinished) return `unfinished ${secs}`;
  if (r.line === undefined) return `exit ${r.code} ${secs}`;
  if (r.stayed) return `stayed ${secs}`;
  return `${r.line.result?.caseThrew ? 'threw' : 'ok'} ${secs}`;
}

const lines = (s: string): string[] => s.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
const keyed = (xs: unknown[] | undefined): string[] => (xs ?? []).map((x) => JSON.stringify(x));

function ended(r: ChildRun): string | undefined {
  if (r.killed) return `killed after ${r.ms} ms (case not done)`;
  if (r.line === undefined) return `exited ${r.code} without a result: ${short(lines(r.stderr).slice(-3).join(' | '), 300)}`;
  if (r.line.unfinished) return `the event loop emptied with the case still awaiting ${short(r.line.pending)}`;
  if (r.line.unparsable) return `unparsable result ${short(r.line.unparsable)}`;
  if (r.line.result?.caseThrew) return `the case threw ${short(r.line.result.caseThrew)}`;
  return undefined;
}

function verdict(row: Row, runs: ChildRun[]): Verdict {
  const notes: string[] = [];
  const [plain, ...shimmed] = runs;
  const plainEnd = ended(plain);
  if (plainEnd) return { pass: false, notes: [`plain: ${plainEnd}`] };
  const keys = row.differs?.keys ?? [];
  for (const [label, spec] of [['expect', row.expect], ['differs.plain', row.differs?.plain]] as const) {
    if (spec === undefined) continue;
    const r = check(plain.line.result, spec);
    if (r !== true) notes.push(`plain (${label}): ${r}`);
  }
  if (plain.stayed) notes.push(`note: plain did not end within ${EXIT_BOUND_MS} ms of its case (the unshimmed code's own)`);
  for (const s of shimmed) {
    const tag = s.mode === 'r' ? '-r' : '--import';
    if (row.startup) {
      const errLines = lines(s.stderr);
      if (s.killed || s.stayed) notes.push(`${tag}: did not stop at startup (killed after ${s.ms} ms)`);
      else if (s.code !== row.startup.code) notes.push(`${tag}: exit code ${s.code}, expected ${row.startup.code}`);
      if (s.line !== undefined) notes.push(`${tag}: the app ran (${short(s.line.result)})`);
      if (errLines.length !== 1 || !row.startup.stderr.test(errLines[0])) notes.push(`${tag}: stderr ${short(errLines, 300)}`);
      continue;
    }
    const end = ended(s);
    if (end) {
      notes.push(`${tag}: ${end}`);
      continue;
    }
    const d = diffs(omit(plain.line.result, keys), omit(s.line.result, keys));
    for (const x of d) notes.push(`${tag} differs: ${x}`);
    for (const [label, spec] of [['expect', row.expect], ['differs.shimmed', row.differs?.shimmed]] as const) {
      if (spec === undefined) continue;
      const r = check(s.line.result, spec);
      if (r !== true) notes.push(`${tag} (${label}): ${r}`);
    }
    for (const k of ['unhandled', 'uncaught', 'warnings', 'resources', 'boundsFired'] as const) {
      let more = extra(keyed(s.line[k]), keyed(plain.line[k]));
      if (k === 'warnings') more = more.filter((w) => !row.warns?.test(w));
      if (more.length > 0) notes.push(`${tag}: ${k} beyond plain's: ${short(more, 300)}`);
    }
    const plainLeaks = plain.line.leaks ?? {};
    for (const [name, n] of Object.entries<number>(s.line.leaks ?? {})) {
      if (row.zero?.includes(name) && n !== 0) notes.push(`${tag}: ${name} ${n}, expected 0 (plain ${plainLeaks[name]})`);
      else if (n > (plainLeaks[name] ?? 0)) notes.push(`${tag}: ${name} ${n}, more than plain's ${plainLeaks[name] ?? 0}`);
      else if (n < (plainLeaks[name] ?? 0)) notes.push(`note: ${tag} ${name} ${n} where plain has ${plainLeaks[name]}`);
    }
    const errMore = extra(lines(s.stderr), lines(plain.stderr))
      .filter((l) => !row.warns?.test(l) && !(row.warns && l.startsWith('(Use `node --trace-warnings')));
    if (errMore.length > 0) notes.push(`${tag}: stderr ${short(errMore, 300)}`);
    if (s.served > 0 && s.line.pooled === 0) notes.push(`${tag}: ${s.served} requests served, none through the pooled transport`);
    if (s.stayed && !plain.stayed) notes.push(`${tag}: did not end by itself within ${EXIT_BOUND_MS} ms (plain did)`);
    if (!s.stayed && s.code !== 0) notes.push(`${tag}: exit code ${s.code}`);
  }
  return { pass: notes.every((n) => n.startsWith('note:')), notes };
}
