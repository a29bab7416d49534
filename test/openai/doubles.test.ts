import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { removeAcceleration } from '../../src/index';
import { MAJORS, type Major, ensureFixture, fixtureRequire, poolRequests, settle, shim } from './helpers';
import { join } from 'node:path';

// An app's tests replace the SDK, or parts of it, with doubles (issue 10): a require-cache stub of
// the whole package as jest does, vi.spyOn on a real client, a stubbed global fetch, a fetch double
// returning canned Responses. Under the shim each behaves exactly as it does plain.

const CANNED = { id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'canned' } }] };
const SSE = 'data: {"id":"s","choices":[{"delta":{"content":"can"}}]}\n\ndata: {"id":"s","choices":[{"delta":{"content":"ned"}}]}\n\ndata: [DONE]\n\n';
const params = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

beforeAll(() => shim(true));
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await removeAcceleration();
});

describe.each(MAJORS)('openai %i doubles', (major: Major) => {
  it('a require-cache stub of the package (jest-style) is what the app gets, and it works', async () => {
    const dir = ensureFixture(`openai-${major}`);
    const req = createRequire(join(dir, 'package.json'));
    const main = req.resolve('openai');
    const saved = require.cache[main];
    class FakeOpenAI {
      chat = { completions: { create: vi.fn(async () => CANNED) } };
    }
    require.cache[main] = { id: main, filename: main, loaded: true, exports: FakeOpenAI } as unknown as NodeModule;
    try {
      const OpenAI = req('openai');
      expect(OpenAI).toBe(FakeOpenAI);
      expect(await new OpenAI().chat.completions.create(params)).toEqual(CANNED);
    } finally {
      if (saved) require.cache[main] = saved;
      else delete require.cache[main];
    }
  });

  it('vi.spyOn on a real client and a stubbed global fetch behave as plain', async () => {
    const OpenAI = fixtureRequire(`openai-${major}`)('openai');
    const outcome = async () => {
      const c = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });
      const spy = vi.spyOn(c.chat.completions, 'create').mockResolvedValue(CANNED as never);
      const spied = await c.chat.completions.create(params);
      const calls = spy.mock.calls.length;
      spy.mockRestore();
      const stub = vi.fn(async () => new Response(JSON.stringify(CANNED), { headers: { 'content-type': 'application/json' } }));
      vi.stubGlobal('fetch', stub);
      const viaStub = await settle(new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 }).chat.completions.create(params));
      const stubCalls = stub.mock.calls.map(([url, init]: any) => [url, init.method]);
      vi.unstubAllGlobals();
      return { spied, calls, viaStub, stubCalls };
    };
    shim(false);
    const plain = await outcome();
    shim(true);
    const n0 = poolRequests();
    expect(await outcome()).toEqual(plain);
    expect(poolRequests()).toBe(n0);
    expect(plain.stubCalls.length).toBe(1);
  });

  it("a fetch double returning canned SSE Responses: the same stream items, plain and shimmed", async () => {
    const OpenAI = fixtureRequire(`openai-${major}`)('openai');
    const canned = async () => new Response(SSE, { headers: { 'content-type': 'text/event-stream' } });
    const run = () => settle(new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', fetch: canned }).chat.completions.create({ ...params, stream: true }));
    shim(false);
    const plain = await run();
    shim(true);
    expect(await run()).toEqual(plain);
    expect((plain as any).stream.length).toBe(2);
  });
});
