import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { ensureBuilt, runNode } from '../node-child';

// Real processes, the real flags a user types, against the built package (make test builds first).
const root = join(__dirname, '..', '..');
const apps = join(root, 'test', 'fixtures', 'apps');

// Child processes on a loaded 2-core machine: generous bounds, still finite.
vi.setConfig({ testTimeout: 120_000 });

let mock: MockServer;

const runAsync = (args: string[], env: NodeJS.ProcessEnv = {}) => runNode(args, { MOCK_URL: mock.url, ...env });

beforeAll(async () => {
  ensureBuilt();
  mock = await startMockServer();
});
afterAll(async () => {
  await mock?.close();
});

// litellm's encoder (js-tiktoken's getEncoding at its import) is made by the js-tiktoken table.
const applied = ['litellm.getHandler:applied', 'js-tiktoken.getEncoding:applied'];

describe('register in real processes', () => {
  it.each([
    ['CommonJS app with -r', ['-r', 'fast-litellm/register', join(apps, 'app.cjs')], {}],
    ['CommonJS app with --import', ['--import', 'fast-litellm/register', join(apps, 'app.cjs')], {}],
    ['ESM app with --import', ['--import', 'fast-litellm/register', join(apps, 'app.mjs')], {}],
    ['ESM app with NODE_OPTIONS', [join(apps, 'app.mjs')], { NODE_OPTIONS: '--import fast-litellm/register' }],
  ])('%s: same results as plain, patches applied', async (_name, args, env) => {
    const app = args.find((a) => a.startsWith(apps))!;
    // Async on purpose: spawnSync would block this process, and with it the in-process mock.
    const [plain, shimmed] = await Promise.all([runAsync([app]), runAsync(args, env)]);
    expect(plain.out.results).toMatchObject({ openai: { choices: [{ message: { role: 'assistant' } }] } });
    expect(shimmed.out.results).toEqual(plain.out.results);
    expect(shimmed.out.handlers).toEqual(plain.out.handlers);
    expect(shimmed.out.exports).toEqual(plain.out.exports);
    for (const row of applied) expect(shimmed.out.status).toContain(row);
    expect(plain.out.status === null || !(plain.out.status as string[]).some((s) => s.endsWith(':applied'))).toBe(true);
    expect(shimmed.stderr).toBe('');
  });

  it('FAST_LITELLM_DISABLE=1 leaves litellm untouched', async () => {
    const { out } = await runAsync(['-r', 'fast-litellm/register', join(apps, 'app.cjs')], { FAST_LITELLM_DISABLE: '1' });
    expect((out.status as string[]).filter((s) => !s.endsWith(':pending'))).toEqual([]);
  });

  it('an invalid setting stops startup with one line naming it', () => {
    const r = spawnSync(process.execPath, ['--import', 'fast-litellm/register', join(apps, 'app.mjs')], {
      cwd: root, env: { ...process.env, FAST_LITELLM_STREAMING: 'turbo' }, encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('fast-litellm: FAST_LITELLM_STREAMING: invalid value "turbo"; accepted: on, off, shadow or rollout:N with N an integer from 0 to 100');
  });

  it('an unsupported litellm version is skipped with a reason and the app runs', async () => {
    const { out, stderr } = await runAsync(['-r', 'fast-litellm/register', join(root, 'test', 'fixtures', 'unsupported', 'app.cjs')]);
    expect(out.handler).toBe('openai');
    expect(out.row).toMatchObject({ state: 'skipped', version: '0.13.2' });
    expect((out.row as { reason: string }).reason).toBe('litellm 0.13.2 is outside the supported range >=0.12.0 <0.13.0');
    expect(stderr.match(/outside the supported range/g)).toHaveLength(1);
  });

  it('require and import of fast-litellm share one instance', () => {
    const code = `const c = require('fast-litellm'); import('fast-litellm').then((e) => console.log(JSON.stringify({ same: e.getPatchStatus === c.getPatchStatus })));`;
    const r = spawnSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(r.stdout)).toEqual({ same: true });
  });
});
