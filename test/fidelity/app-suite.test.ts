import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { ensureBuilt } from '../node-child';
import { root } from './suite-run';

// An app's own vitest suite that mocks `openai` and `@anthropic-ai/sdk` (require-cache stubs as jest
// does, vi.mock bridged into require.cache, vi.spyOn on the SDKs, a stubbed global fetch, doubles
// that are not the SDK), run in a child vitest: plain, with applyAcceleration() in a setup file, and
// with the register entry in the workers' execArgv (-r and --import); litellm externalized (vitest's
// default) and inlined (server.deps.inline). Every run passes, and every observation an app test made
// (results, errors, the doubles' calls) is the same as in the plain run, key order included.

const CONFIG = join(__dirname, 'app-suite', 'vitest.config.ts');
const VITEST = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const APP_TESTS = 30;

type Shim = 'off' | 'apply' | 'register-r' | 'register-import';
interface Run {
  label: string;
  shim: Shim;
  inline: boolean;
  report: { numTotalTests: number; numFailedTests: number; numFailedTestSuites: number; testResults: any[] };
  observations: { file: string; test: string; name: string; perMode: boolean; value: unknown }[];
  stderr: string;
}

const CASES: [Shim, boolean][] = [
  ['off', false],
  ['apply', false],
  ['register-r', false],
  ['register-import', false],
  ['off', true],
  ['register-r', true],
];
const label = (shim: Shim, inline: boolean) => `${shim}${inline ? ' +inline' : ''}`;

let mock: MockServer;
let dir: string;
const runs = new Map<string, Run>();

function runApp(shim: Shim, inline: boolean): Promise<Run> {
  const tag = `${shim}-${inline ? 'inline' : 'external'}`;
  const out = join(dir, `${tag}.jsonl`);
  const json = join(dir, `${tag}.json`);
  const env = {
    ...process.env,
    NODE_OPTIONS: '',
    APP_SUITE_SHIM: shim,
    APP_SUITE_INLINE: inline ? '1' : '',
    APP_SUITE_OUT: out,
    APP_SUITE_MOCK_URL: mock.url,
  };
  const args = [VITEST, 'run', '--config', CONFIG, '--reporter=json', `--outputFile=${json}`];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', () => {
      clearTimeout(timer);
      try {
        const report = JSON.parse(readFileSync(json, 'utf8'));
        const observations = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
        resolve({ label: label(shim, inline), shim, inline, report, observations, stderr });
      } catch (err) {
        reject(new Error(`app suite ${tag}: no report (${(err as Error).message}); stderr: ${stderr}`));
      }
    });
  });
}

beforeAll(async () => {
  ensureBuilt();
  mock = await startMockServer();
  dir = mkdtempSync(join(tmpdir(), 'fidelity-app-'));
  // Two at a time: each is a vitest with one worker, on a shared 2-core machine.
  for (let i = 0; i < CASES.length; i += 2) {
    const batch = await Promise.all(CASES.slice(i, i + 2).map(([s, inl]) => runApp(s, inl)));
    for (const r of batch) runs.set(r.label, r);
  }
}, 600_000);

afterAll(async () => {
  await mock?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const failures = (r: Run) =>
  r.report.testResults.flatMap((f: any) => [
    ...(f.status === 'failed' && f.assertionResults.length === 0 ? [`${f.name}: ${f.message}`] : []),
    ...f.assertionResults.filter((a: any) => a.status !== 'passed').map((a: any) => `${a.fullName}: ${a.failureMessages.join('\n')}`),
  ]);

/** file + test + name -> the observed value as JSON (exact, key order included). */
const observed = (r: Run) =>
  Object.fromEntries(r.observations.filter((o) => !o.perMode).map((o) => [`${o.file} > ${o.test} > ${o.name}`, JSON.stringify(o.value)]));

const shimStatus = (r: Run) => r.observations.filter((o) => o.name === 'patch-status').map((o) => o.value as any);

describe.each(CASES.map(([s, inl]) => label(s, inl)))('app suite, %s', (name) => {
  it(`runs all ${APP_TESTS} app tests, and all pass`, () => {
    const r = runs.get(name)!;
    expect(failures(r)).toEqual([]);
    expect(r.report.numTotalTests).toBe(APP_TESTS);
  });

  it(name.startsWith('off') ? 'has no fast-litellm file loaded' : 'really ran with the shim active in every test file', () => {
    const r = runs.get(name)!;
    const status = shimStatus(r);
    expect(status).toHaveLength(5);
    for (const s of status) {
      if (r.shim === 'off') expect(s).toEqual({ active: false, loaded: [] });
      else expect(s.active && s.applied.length > 0).toBe(true);
    }
  });

  it.skipIf(name === 'off')('every observation equals the plain run (externalized)', () => {
    const plain = observed(runs.get('off')!);
    expect(Object.keys(plain).length).toBeGreaterThan(20);
    expect(observed(runs.get(name)!)).toEqual(plain);
  });
});
