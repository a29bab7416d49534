import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { ensureBuilt, runNode } from '../node-child';
import { applyAcceleration, getPatchStatus, removeAcceleration } from '../../src/index';
import { getPoolStats, isPooledFetch } from '../../src/shims/pooling';

// Proxy-client use: an app calling an OpenAI-compatible gateway with the openai SDK directly.
// Here the SDK is required AFTER applyAcceleration() (this file runs in its own process).
const require = createRequire(import.meta.url);
let mock: MockServer;
let OpenAI: any;

const requests = () => getPoolStats().reduce((n, s) => n + s.requests, 0);
const params = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello gateway' }] };

function flags(on: boolean) {
  applyAcceleration({ features: { connection_pooling: on ? 'on' : 'off' } });
}

async function settle(p: Promise<any>): Promise<unknown> {
  try {
    const r = await p;
    if (r && typeof r[Symbol.asyncIterator] === 'function') {
      const out: unknown[] = [];
      for await (const c of r) out.push({ ...c, id: 0, created: 0 });
      return { ok: out };
    }
    return { ok: { ...r, id: 0, created: 0 }, requestId: r?._request_id };
  } catch (e: any) {
    return { err: e.constructor.name, status: e.status, message: e.message };
  }
}

beforeAll(async () => {
  mock = await startMockServer({ models: { slow: { latencyMs: 300 }, teapot: { fail: 418 } } });
  applyAcceleration({ features: { connection_pooling: 'on' } });
  OpenAI = require('openai');
});

afterAll(async () => {
  await removeAcceleration();
  await mock?.close();
});

describe('openai SDK used directly (CommonJS)', () => {
  it('the default fetch beneath every client is pooled; require("openai") and its exports stay the originals', () => {
    const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r]));
    expect(rows['openai.fetch']).toMatchObject({ state: 'applied', acts: 'underneath' });
    expect(OpenAI.default).toBe(OpenAI);
    expect(OpenAI.OpenAI).toBe(OpenAI);
    expect(isPooledFetch(new OpenAI({ apiKey: 'k', baseURL: mock.url }).fetch)).toBe(true);
    expect(isPooledFetch(new OpenAI.AzureOpenAI({ apiKey: 'k', endpoint: mock.url, apiVersion: 'x' }).fetch)).toBe(true);
  });

  it("an app's own fetch is left alone, and a request with the app's own agent goes through that agent", async () => {
    const own = (..._a: unknown[]) => Promise.reject(new Error('own'));
    expect(new OpenAI({ apiKey: 'k', fetch: own }).fetch).toBe(own);
    const http = require('node:http');
    const agent = new http.Agent({ keepAlive: false });
    let viaAgent = 0;
    const createConnection = agent.createConnection.bind(agent);
    agent.createConnection = (...a: any[]) => {
      viaAgent++;
      return createConnection(...a);
    };
    const n0 = requests();
    const r: any = await new OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1`, httpAgent: agent }).chat.completions.create(params);
    expect(r.choices[0].message.role).toBe('assistant');
    expect(viaAgent).toBe(1);
    expect(requests()).toBe(n0);
  });

  it('same results and errors as the plain SDK, streamed and not', async () => {
    const cases: Array<[string, (c: any) => Promise<any>]> = [
      ['chat', (c) => c.chat.completions.create(params)],
      ['stream', (c) => c.chat.completions.create({ ...params, stream: true })],
      ['embeddings', (c) => c.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] })],
      ['418', (c) => c.chat.completions.create({ ...params, model: 'teapot' })],
      ['models', (c) => c.models.list().then((p: any) => p.data)],
    ];
    for (const [name, call] of cases) {
      flags(false);
      const n0 = requests();
      const plain = await settle(call(new OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1` })));
      expect(requests(), name).toBe(n0);
      flags(true);
      const pooled = await settle(call(new OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1` })));
      expect(requests(), name).toBeGreaterThan(n0);
      expect(pooled, name).toEqual(plain);
    }
  });

  it('abort signals and timeouts give the SDK errors, plain and pooled', async () => {
    for (const on of [false, true]) {
      flags(on);
      const c = new OpenAI({ apiKey: 'k', baseURL: `${mock.url}/v1`, maxRetries: 0 });
      const ac = new AbortController();
      const p = settle(c.chat.completions.create({ ...params, model: 'slow' }, { signal: ac.signal }));
      setTimeout(() => ac.abort(), 20);
      expect(await p).toMatchObject({ err: 'APIUserAbortError' });
      expect(await settle(c.chat.completions.create({ ...params, model: 'slow' }, { timeout: 30 }))).toMatchObject({ err: 'APIConnectionTimeoutError' });
    }
  });
});

describe('ESM app importing the openai SDK, in a child process with --import fast-litellm/register', () => {
  // openai 4's ESM build keeps its default fetch in _shims/registry.mjs module state, filled in by
  // another module (a row with `after`, CommonJS only): its transport stays node-fetch.
  it('runs with the same results, unaccelerated on openai 4', async () => {
    ensureBuilt();
    const app = join(__dirname, 'fixtures', 'openai-direct.mjs');
    const run = async (args: string[]) => (await runNode([...args, app], { MOCK_URL: mock.url }, 30_000)).out;
    const plain = await run([]);
    const shimmed = await run(['--import', 'fast-litellm/register']);
    expect(plain.pooled).toBe(false);
    expect(shimmed.pooled).toBe(false);
    expect(shimmed.results).toEqual(plain.results);
  });
});
