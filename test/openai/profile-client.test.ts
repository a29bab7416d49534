import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeClient } from '../../src/cli/profile/clients';
import { startMockServer, type MockServer } from '../../src/mock';
import { removeAcceleration } from '../../src/index';
import { ensureFixture, poolRequests, shim } from './helpers';

// The profiling CLI's `--via openai` runs on the openai the user's project installed (its cwd), and
// `--accelerated` (applyAcceleration() before the client is built) patches that very copy.
let mock: MockServer;
const cwd = process.cwd();

beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(async () => {
  process.chdir(cwd);
  await removeAcceleration();
  await mock?.close();
});

it.each([5, 6, 7])('--via openai --accelerated in a project with openai %i', async (major) => {
  process.chdir(ensureFixture(`openai-${major}`));
  shim(true);
  for (const stream of [false, true]) {
    const client = makeClient({ url: mock.url, via: 'openai', prompt: 'hi', maxTokens: 8, stream, timeoutMs: 5000 });
    expect(client.sdk).toMatch(new RegExp(`^openai ${major}\\.`));
    const n0 = poolRequests();
    const r = await client.send('gpt-4o-mini', new AbortController().signal);
    expect(r.text.split(' ').length).toBe(8);
    expect(poolRequests()).toBe(n0 + 1);
    await client.close();
  }
});
