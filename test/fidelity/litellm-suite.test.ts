import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { ensureBuilt } from '../node-child';
import { FIXTURES, fixtureBody } from './litellm-suite/adapt';
import { root, runSuite, type SuiteRun, type TestLine } from './suite-run';

// litellm 0.12.0's own offline tests (getHandler, index with mocked SDKs, the Ollama e2e cases on the
// embedded mock), run against the installed dist/ by a runner that uses Node's require: plain, then
// with the shim through each entry a user types. Shimmed must equal plain, test by test.

const GET_HANDLER = 'getHandler should return the correct handler for a given model name';
const EXPECTED: [string, string][] = [
  ...Array.from({ length: 16 }, (_, i): [string, string] => [`handlers/getHandler.jest.ts#${i}`, GET_HANDLER]),
  ['index.jest.ts#0', 'litellm openai support using openai chat models with and without streaming'],
  ['index.jest.ts#1', 'litellm openai support using openai chat models with and without streaming'],
  ['index.jest.ts#2', 'litellm anthropic supports using anthropic models without streaming'],
  ['e2e.jest.ts#0', 'e2e completion gets response from supported model ollama/llama2'],
  ['e2e.jest.ts#1', 'e2e completion gets streaming response from supported model ollama/llama2'],
  ['e2e.jest.ts#2', 'e2e embedding returns embedding models for ollama/llama2'],
];

const MODES = {
  '-r fast-litellm/register': ['-r', 'fast-litellm/register'],
  '--import fast-litellm/register': ['--import', 'fast-litellm/register'],
} as const;
type Mode = keyof typeof MODES;

let mock: MockServer;
let plain: SuiteRun;
const shimmed = {} as Record<Mode, SuiteRun>;

beforeAll(async () => {
  ensureBuilt();
  mock = await startMockServer();
  const env = { LITELLM_SUITE_MOCK_URL: mock.url };
  const runs = await Promise.all([runSuite([], env), ...Object.values(MODES).map((args) => runSuite([...args], env))]);
  plain = runs[0];
  (Object.keys(MODES) as Mode[]).forEach((m, i) => (shimmed[m] = runs[i + 1]));
}, 300_000);

afterAll(async () => {
  await mock?.close();
});

const byId = (run: SuiteRun): Map<string, TestLine> => new Map(run.tests.map((t) => [t.id, t]));

describe('the fixtures are litellm 0.12.0 tests, adapted only as adapt.ts says', () => {
  it.each(FIXTURES.map((f) => [f.fixture, f] as const))('%s', (_name, f) => {
    const upstream = readFileSync(join(root, 'node_modules', 'litellm', f.upstream), 'utf8');
    const fixture = readFileSync(join(__dirname, 'litellm-suite', f.fixture), 'utf8');
    expect(fixtureBody(fixture)).toBe(f.adapt(upstream));
  });
});

describe('plain litellm', () => {
  it('runs all 22 cases, and all pass', () => {
    expect(plain.tests.map((t) => [t.id, t.name])).toEqual(EXPECTED);
    expect(plain.tests.filter((t) => !t.pass)).toEqual([]);
    expect(plain.files).toEqual([
      { file: 'handlers/getHandler.jest.ts', done: true, tests: 16, unhandled: [] },
      { file: 'index.jest.ts', done: true, tests: 3, unhandled: [] },
      { file: 'e2e.jest.ts', done: true, tests: 3, unhandled: [] },
    ]);
  });
});

describe.each(Object.keys(MODES) as Mode[])('shimmed with %s', (mode) => {
  it('runs the same cases, each file to its end, with the same unhandled rejections (none)', () => {
    expect(shimmed[mode].tests.map((t) => [t.id, t.name])).toEqual(EXPECTED);
    expect(shimmed[mode].files).toEqual(plain.files);
  });

  it.each(EXPECTED)('%s %s: same outcome as plain', (id) => {
    const want = byId(plain).get(id);
    expect(want?.pass).toBe(true);
    expect(byId(shimmed[mode]).get(id)).toEqual(want);
  });
});

describe('the runner itself', () => {
  it('reports failures, timeouts, unmet expect.assertions, each titles and jest.mock reaching litellm', async () => {
    const run = await runSuite([], {}, ['selftest/runner.jest.ts']);
    expect(run.tests.map((t) => [t.name, t.pass, t.error])).toEqual([
      ['selftest fails on a failed expect', false,
        'Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 2\nReceived: 1'],
      ['selftest fails when expect.assertions is not met', false,
        'Error: expect.assertions(1)\n\nExpected one assertion to be called but received zero assertion calls.'],
      ['selftest fails on a timeout', false, 'Error: Exceeded timeout of 50 ms for a test.'],
      ['selftest printf title 1 a', true, null],
      ['selftest printf title 2 b', true, null],
      ['selftest template title 1 x', true, null],
      ['selftest hands litellm the stub, not the SDK', true, null],
    ]);
    expect(run.code).toBe(1);
  });
});
