import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { applyAcceleration, getPatchStatus, removeAcceleration } from '../../src/index';
import { isPooledFetch } from '../../src/shims/pooling';

// The openai SDK loaded BEFORE applyAcceleration() (this file runs in its own process): its classes
// already extend the original APIClient, so only the exports the shim can still replace are pooled.
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

it('.default and .OpenAI give pooled clients with the same answers; the module object itself cannot be replaced', async () => {
  const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r.state]));
  expect(rows['openai.default']).toBe('applied');
  expect(rows['openai.OpenAI']).toBe('applied');
  const named = new OpenAI.OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1` });
  const dflt = new OpenAI.default({ apiKey: 'k', baseURL: `${mock.url}/v1` });
  const plain = new OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1` });
  expect(isPooledFetch(named.fetch)).toBe(true);
  expect(isPooledFetch(dflt.fetch)).toBe(true);
  expect(isPooledFetch(plain.fetch)).toBe(false);
  expect(named).toBeInstanceOf(OpenAI);
  const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'late' }] };
  const strip = (r: any) => ({ ...r, id: 0, created: 0 });
  expect(strip(await named.chat.completions.create(params))).toEqual(strip(await plain.chat.completions.create(params)));
  await removeAcceleration();
  expect(OpenAI.OpenAI).toBe(OpenAI);
  expect(OpenAI.default).toBe(OpenAI);
});
