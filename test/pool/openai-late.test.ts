import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { applyAcceleration, getPatchStatus, removeAcceleration } from '../../src/index';
import { isPooledFetch } from '../../src/shims/pooling';

// The openai SDK loaded BEFORE applyAcceleration() (this file runs in its own process): the default
// fetch beneath its clients is swapped all the same, and every export stays the original.
const require = createRequire(import.meta.url);
let mock: MockServer;
let OpenAI: any;

beforeAll(async () => {
  mock = await startMockServer();
  OpenAI = require('openai');
  applyAcceleration({ features: { connection_pooling: 'on' } });
});
afterAll(async () => {
  await removeAcceleration();
  await mock?.close();
});

it('every client built after applyAcceleration() is pooled, whichever export built it; the exports stay the originals', async () => {
  const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r]));
  expect(rows['openai.fetch']).toMatchObject({ state: 'applied', acts: 'underneath' });
  expect(OpenAI.OpenAI).toBe(OpenAI);
  expect(OpenAI.default).toBe(OpenAI);
  const named = new OpenAI.OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1` });
  const dflt = new OpenAI.default({ apiKey: 'k', baseURL: `${mock.url}/v1` });
  const bare = new OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1` });
  for (const c of [named, dflt, bare]) expect(isPooledFetch(c.fetch)).toBe(true);
  const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'late' }] };
  const strip = (r: any) => ({ ...r, id: 0, created: 0 });
  const pooled = strip(await named.chat.completions.create(params));
  applyAcceleration({ features: { connection_pooling: 'off' } });
  const plainClient = new OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1` });
  expect(isPooledFetch(plainClient.fetch)).toBe(false);
  expect(pooled).toEqual(strip(await plainClient.chat.completions.create(params)));
  await removeAcceleration();
  expect(OpenAI.OpenAI).toBe(OpenAI);
  expect(OpenAI.default).toBe(OpenAI);
  expect(isPooledFetch(new OpenAI({ apiKey: 'k' }).fetch)).toBe(false);
});
