import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ComprehensiveReport } from '../../benchmarks/lib/result';

const ROOT = path.resolve(__dirname, '..', '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const row = (id: string, accelerated: string) =>
  `{ kind: 'fn', id: '${id}', name: '${id}', group: 'cli', baselineName: 'JSON.stringify', acceleratedName: 'x',
     baseline: () => JSON.stringify([1, 2]), accelerated: () => ${accelerated} }`;

function run(name: string, rows: string[], extra: string[], more: Record<string, string[]> = {}) {
  const rowsDir = path.join(tmp, name, 'rows');
  const out = path.join(tmp, name, 'out');
  mkdirSync(rowsDir, { recursive: true });
  writeFileSync(path.join(rowsDir, 'r.ts'), `export const rows = [${rows.join(',')}];\n`);
  for (const [file, list] of Object.entries(more)) writeFileSync(path.join(rowsDir, file), `export const rows = [${list.join(',')}];\n`);
  const p = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'benchmarks/comprehensive.ts', '--rows', rowsDir, '--out', out, '--quick', ...extra],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 },
  );
  const files = existsSync(out) ? readdirSync(out).sort() : [];
  const json = files.find((f) => f.endsWith('.json'));
  const report = json ? (JSON.parse(readFileSync(path.join(out, json), 'utf8')) as ComprehensiveReport) : undefined;
  return { status: p.status, stdout: p.stdout, stderr: p.stderr, report, files };
}

describe('comprehensive.ts end to end (runner logic, tiny rows)', () => {
  it('fails the run when an equality check fails, still running the other rows', () => {
    const r = run('mismatch', [row('cli.bad', 'JSON.stringify([2, 1])'), row('cli.good', 'JSON.stringify([1, 2])')], ['--ci']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('FAILED cli.bad: equality check failed');
    expect(r.report!.rows.map((x) => [x.id, x.status === 'FAILED' ? x.error : 'ok'])).toEqual([
      ['cli.bad', expect.stringContaining('equality check failed')],
      ['cli.good', 'ok'],
    ]);
    expect(r.report!.gate!.passed).toBe(false);
    expect(r.files.filter((f) => f.startsWith('latest'))).toEqual([]);
    expect(r.files.map((f) => path.extname(f)).sort()).toEqual(['.html', '.json', '.md']);
  }, 60_000);

  it('passes the gate when every row is at or above the tolerance', () => {
    // Tolerance near zero: this checks the exit path, not a speed.
    const r = run('pass', [row('cli.same', 'JSON.stringify([1, 2])')], ['--ci', '--tolerance', '0.01', '--latest']);
    expect(r.stdout).toContain('CI gate passed (tolerance 0.01x)');
    expect(r.status).toBe(0);
    expect(r.report!.machine.node).toBe(process.version);
    expect(r.files).toContain('latest.md');
  }, 60_000);

  it('gives up on a hung row, marks it FAILED and still runs the next one', () => {
    const hung = `{ kind: 'custom', id: 'cli.hung', name: 'hung', group: 'cli', baselineName: 'b', acceleratedName: 'a',
      run: () => new Promise(() => {}) }`;
    const r = run('hung', [hung, row('cli.after', 'JSON.stringify([1, 2])')], ['--row-timeout', '1']);
    expect(r.status).toBe(1);
    expect(r.report!.rows[0]).toMatchObject({ id: 'cli.hung', status: 'FAILED', error: expect.stringContaining('timed out after 1 s') });
    expect(r.report!.rows[1].id).toBe('cli.after');
    expect(r.report!.rows[1].status).not.toBe('FAILED');
  }, 60_000);

  it('reports the rows of a worker that died or got stuck, and goes on with the next file', () => {
    const exits = `{ kind: 'custom', id: 'cli.exits', name: 'exits', group: 'cli', baselineName: 'b', acceleratedName: 'a',
      run: async () => { process.exit(7); } }`;
    const spins = `{ kind: 'fn', id: 'cli.spins', name: 'spins', group: 'cli', baselineName: 'b', acceleratedName: 'a',
      baseline: () => { for (;;) {} }, accelerated: () => 1 }`;
    const r = run('crash', [exits, row('cli.never', 'JSON.stringify([1, 2])')], ['--row-timeout', '1'], {
      's.ts': [spins],
      't.ts': [row('cli.last', 'JSON.stringify([1, 2])')],
    });
    expect(r.status).toBe(1);
    const byId = Object.fromEntries(r.report!.rows.map((x) => [x.id, x]));
    expect(byId['cli.exits']).toMatchObject({ status: 'FAILED', error: expect.stringContaining('worker exited (7)') });
    expect(byId['cli.never']).toMatchObject({ status: 'FAILED', error: expect.stringContaining('not run: worker exited (7)') });
    expect(byId['cli.spins']).toMatchObject({ status: 'FAILED', error: expect.stringContaining('worker killed') });
    expect(byId['cli.last'].status).not.toBe('FAILED');
  }, 60_000);

  it('exits 2 on a bad option or when --only matches nothing', () => {
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'benchmarks/comprehensive.ts', '--bogus'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown option --bogus');
    const none = run('none', [row('cli.one', 'JSON.stringify([1, 2])')], ['--only', 'nothing.here']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('no rows match nothing.here');
    expect(none.files).toEqual([]);
  }, 60_000);
});
