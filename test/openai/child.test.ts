import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { ensureBuilt, runNode } from '../node-child';
import { ensureFixture, root } from './helpers';
import { nodeBinaries } from './node-versions';

// Real processes with the flags a user types, on Node 20 and the cached Node 22 and 24: openai 5, 6
// and 7 from their fixture folders, CommonJS and ESM, loaded before or after the acceleration, and
// the litellm apps of test/core; every shimmed run gives the plain run's results on the same Node,
// went over the pooled transport, printed nothing, and exited by itself (no handle of ours kept it).

vi.setConfig({ testTimeout: 120_000 });
const APP = join(__dirname, 'fixtures', 'app.mjs');
const FORCE_REGISTER = join(__dirname, 'fixtures', 'force-register.mjs');
const apps = join(root, 'test', 'fixtures', 'apps');
const { found, missing } = nodeBinaries();
let mock: MockServer;

beforeAll(async () => {
  ensureBuilt();
  for (const m of [5, 6, 7]) ensureFixture(`openai-${m}`);
  mock = await startMockServer();
});
afterAll(async () => {
  await mock?.close();
});

type Run = [label: string, major: number, args: string[], env: NodeJS.ProcessEnv];
const IMPORT = ['--import', 'fast-litellm/register'];
// Node 20 has no in-thread hooks: ESM imports are hooked there only with FAST_LITELLM_ESM_HOOK=on.
const RUNS = (major: number, esm: NodeJS.ProcessEnv): Run[] => [
  ['ESM, --import', major, IMPORT, { MODE: 'esm', ...esm }],
  ['CommonJS, -r', major, ['-r', 'fast-litellm/register'], { MODE: 'cjs' }],
  ['CommonJS, --import', major, IMPORT, { MODE: 'cjs' }],
  ['ESM loaded before applyAcceleration()', major, IMPORT,
    { MODE: 'esm', LATE: '1', FAST_LITELLM_CONNECTION_POOLING: 'off', FAST_LITELLM_STREAMING: 'off', ...esm }],
  ['ESM, module.register loader', major, ['--import', FORCE_REGISTER, ...IMPORT], { MODE: 'esm', ...esm }],
];

/** Node 20: every run of every major; 22 and 24: a few (the added time stays small). */
function runsFor(nodeMajor: number): Run[] {
  if (nodeMajor === found[0].major) return [5, 6, 7].flatMap((m) => RUNS(m, nodeMajor < 22 ? { FAST_LITELLM_ESM_HOOK: 'on' } : {}));
  const r = (m: number) => RUNS(m, {});
  return [r(7)[0], r(7)[4], r(5)[1], r(6)[3]];
}

it('Node 22 and 24 are cached (make test installs them with scripts/node-versions.sh)', () => {
  if (missing.length > 0 && process.env.CI) throw new Error(`missing Node ${missing.join(', ')}`);
  if (missing.length > 0) console.warn(`node versions not cached: ${missing.join(', ')} (bash scripts/node-versions.sh)`);
});

describe.each(found)('Node $major', ({ major: nodeMajor, path: node }) => {
  const plain = new Map<string, Promise<any>>();
  const plainOf = (fixture: string, mode: string) => {
    const key = `${fixture}:${mode}`;
    if (!plain.has(key)) {
      plain.set(key, runNode([APP], { MOCK_URL: mock.url, FIXTURE: fixture, MODE: mode }, 60_000, node));
    }
    return plain.get(key)!;
  };

  it.each(runsFor(nodeMajor))('openai %s (openai %i)', async (_label, major, args, env) => {
    const fixture = `openai-${major}`;
    const [p, s] = await Promise.all([
      plainOf(fixture, String(env.MODE)),
      runNode([...args, APP], { MOCK_URL: mock.url, FIXTURE: fixture, ...env }, 60_000, node),
    ]);
    expect(p.out.node.split('.')[0]).toBe(String(nodeMajor));
    expect(p.out.results.error).toMatchObject({ name: 'RateLimitError', status: 429 });
    expect(s.out.results).toEqual(p.out.results);
    const rows = Object.fromEntries(s.out.rows.map(([id, state]: string[]) => [id, state]));
    expect(rows['openai.getDefaultFetch']).toBe('applied');
    expect(rows['openai.core.Stream.fromSSEResponse']).toBe('applied');
    expect(s.out.requests).toBe(3);
    expect(s.stderr).toBe('');
  });

  if (nodeMajor < 22) {
    it('openai ESM, --import with the default esmHook (auto): not hooked on Node 20, same results, no loaders thread', async () => {
      const fixture = 'openai-7';
      const [p, s] = await Promise.all([
        plainOf(fixture, 'esm'),
        runNode([...IMPORT, APP], { MOCK_URL: mock.url, FIXTURE: fixture, MODE: 'esm' }, 60_000, node),
      ]);
      expect(s.out.results).toEqual(p.out.results);
      const rows = Object.fromEntries(s.out.rows.map(([id, state]: string[]) => [id, state]));
      expect(rows['openai.getDefaultFetch']).toBe('pending');
      expect(s.out.requests).toBe(0);
      expect(s.stderr).toBe('');
    });
  }

  if (nodeMajor !== found[0].major) {
    it.each([
      ['litellm, CommonJS app with -r', ['-r', 'fast-litellm/register', join(apps, 'app.cjs')]],
      ['litellm, ESM app with --import', [...IMPORT, join(apps, 'app.mjs')]],
    ])('%s: same results as plain', async (_label, args) => {
      const app = args[args.length - 1];
      const [p, s] = await Promise.all([
        runNode([app], { MOCK_URL: mock.url }, 60_000, node),
        runNode(args, { MOCK_URL: mock.url }, 60_000, node),
      ]);
      expect(s.out.results).toEqual(p.out.results);
      expect(s.out.handlers).toEqual(p.out.handlers);
      expect(s.out.status).toContain('litellm.getHandler:applied');
      expect(s.stderr).toBe('');
    });
  }
});
