import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { ensureBuilt, runNode } from '../node-child';
import { root } from './helpers';

// An openai major the rows were not checked against (a stand-in 8.0.0 with the 5-7 layout): its rows
// are skipped with a reason, nothing of it is touched, and the app runs as it does plain.
let mock: MockServer;
const app = join(root, 'test', 'fixtures', 'openai-8-fake', 'app.cjs');

beforeAll(async () => {
  ensureBuilt();
  mock = await startMockServer();
});
afterAll(async () => {
  await mock?.close();
});

it('openai 8.x: skipped with a reason, the app runs with the same results', async () => {
  const [plain, shimmed] = await Promise.all([
    runNode([app], { MOCK_URL: mock.url }),
    runNode(['-r', 'fast-litellm/register', app], { MOCK_URL: mock.url }),
  ]);
  expect(plain.out.text.length).toBeGreaterThan(0);
  expect({ ...shimmed.out, status: null }).toEqual({ ...plain.out, status: null });
  expect(shimmed.out.nativeFetch).toBe(true);
  const rows = Object.fromEntries(shimmed.out.status.map((r: any) => [r.id, r]));
  for (const id of ['openai.getDefaultFetch', 'openai.core.Stream.fromSSEResponse']) {
    expect(rows[id]).toMatchObject({ state: 'skipped', version: '8.0.0', reason: 'openai 8.0.0 is outside the supported range >=5.0.0 <8.0.0' });
  }
  // The rows for openai 4 are not a problem of this app.
  expect(rows['openai.fetch'].state).toBe('pending');
  expect(shimmed.stderr).toContain('openai 8.0.0 is outside the supported range >=5.0.0 <8.0.0; left unaccelerated');
});
