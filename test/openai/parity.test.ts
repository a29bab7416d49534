import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { getPatchStatus, removeAcceleration } from '../../src/index';
import { isSdkDefaultFetch } from '../../src/shims/openai-fetch';
import { allStats } from '../../src/stats/registry';
import {
  MAJORS, type Major, SSE_CASES, fixtureRequire, openaiOf, poolRequests, recordingLogger, settle, shim, startSseServer,
} from './helpers';

// openai 5, 6 and 7 (each from its own fixture folder, under its real name), CommonJS, required after
// applyAcceleration(): every call gives the same result or the same error plain (rows off: the
// originals in place) and shimmed, and the shimmed side really went over the pooled transport and
// the fast SSE reader.

let mock: MockServer;
let sse: Awaited<ReturnType<typeof startSseServer>>;
const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello gateway' }] };
const fastReads = () => allStats()
  .filter((s) => s.component === 'openai.core.Stream.fromSSEResponse')
  .reduce((n, s) => n + s.accelerated, 0);

beforeAll(async () => {
  mock = await startMockServer({
    retryAfterSec: 1,
    models: { slow: { latencyMs: 400 }, paced: { tokensPerSec: 400 }, unhurried: { tokensPerSec: 40 } },
  });
  sse = await startSseServer();
  shim(true);
});
afterAll(async () => {
  await removeAcceleration();
  await mock?.close();
  await sse?.close();
});

type Call = (c: any) => Promise<any> | (() => Promise<any>);
const hdr = (h: Record<string, string>) => ({ headers: h });

const CASES: [string, Call, Record<string, unknown>?][] = [
  ['chat', (c) => c.chat.completions.create(params)],
  ['stream', (c) => c.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } })],
  ['embeddings', (c) => c.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] })],
  ['models', (c) => c.models.list().then((p: any) => p.data)],
  ['withResponse', (c) => c.chat.completions.create(params).withResponse()
    .then(({ data, response }: any) => ({
      data: { ...data, id: 0, created: 0 }, status: response.status, isResponse: response instanceof Response,
    }))],
  ['asResponse', (c) => c.chat.completions.create(params).asResponse()
    .then(async (r: any) => ({ web: r instanceof Response, n: (await r.text()).length > 0 }))],
  ['400', (c) => c.chat.completions.create(params, hdr({ 'x-mock-fail': '400' }))],
  ['401', (c) => c.chat.completions.create(params, hdr({ 'x-mock-fail': '401' }))],
  ['500 retried', (c) => c.chat.completions.create(params, hdr({ 'x-mock-fail': '500' }))],
  ['stream 500', (c) => c.chat.completions.create({ ...params, stream: true }, hdr({ 'x-mock-fail': '500' }))],
  ['dropped', (c) => c.chat.completions.create(params, hdr({ 'x-mock-drop': '1' }))],
  ['stream dropped', (c) => c.chat.completions.create({ ...params, stream: true }, hdr({ 'x-mock-drop': '1' }))],
  ['stream split lines', (c) => c.chat.completions.create({ ...params, model: 'paced', stream: true }, hdr({ 'x-mock-split': 'lines' }))],
  ['stream split utf8', (c) => c.chat.completions.create({ ...params, model: 'paced', stream: true }, hdr({ 'x-mock-split': 'utf8' }))],
  ['timeout', (c) => c.chat.completions.create({ ...params, model: 'slow' }, { timeout: 40, maxRetries: 0 })],
  ['user abort', (c) => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    return c.chat.completions.create({ ...params, model: 'slow' }, { signal: ac.signal });
  }],
  ['stream stopped early', (c) => async () => {
    const s = await c.chat.completions.create({ ...params, model: 'paced', stream: true });
    const out: unknown[] = [];
    for await (const ch of s) {
      out.push({ ...ch, id: 0, created: 0 });
      if (out.length === 3) break;
    }
    return { out, aborted: s.controller.signal.aborted };
  }],
  ['stream aborted by controller', (c) => async () => {
    // 25 ms between events: a busy machine must not let the third one arrive before the abort.
    const s = await c.chat.completions.create({ ...params, model: 'unhurried', stream: true });
    let n = 0;
    for await (const _ of s) if (++n === 2) s.controller.abort();
    return { n };
  }],
  ['stream iterated twice', (c) => async () => {
    const s = await c.chat.completions.create({ ...params, stream: true });
    for await (const _ of s) { /* all */ }
    for await (const _ of s) { /* throws */ }
  }],
  // The SDK marks a stream consumed at the first next(), not when an iterator is made.
  ['stream: two iterators made, the second read first', (c) => async () => {
    const s = await c.chat.completions.create({ ...params, stream: true });
    const first = s[Symbol.asyncIterator]();
    const second = s[Symbol.asyncIterator]();
    const out: unknown[] = [];
    for (let r = await second.next(); !r.done; r = await second.next()) out.push(r.value.choices[0]?.delta?.content);
    return { out, first: await settle(first.next()) };
  }],
  ['stream tee', (c) => async () => {
    const [a, b] = (await c.chat.completions.create({ ...params, stream: true })).tee();
    const read = async (s: any) => {
      const o: unknown[] = [];
      for await (const ch of s) o.push(ch.choices[0]?.delta?.content);
      return o;
    };
    return [await read(a), await read(b)];
  }],
];

describe.each(MAJORS)('openai %i, plain vs shimmed', (major: Major) => {
  let OpenAI: any;
  beforeAll(() => {
    OpenAI = openaiOf(major);
  });
  const client = (o: Record<string, unknown> = {}) => new OpenAI({ apiKey: 'sk-a', baseURL: `${mock.url}/v1`, maxRetries: 1, ...o });

  it('the rows apply to this major; the exports stay the originals', () => {
    const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r]));
    expect(rows['openai.getDefaultFetch']).toMatchObject({ state: 'applied', acts: 'underneath' });
    expect(rows['openai.core.Stream.fromSSEResponse']).toMatchObject({ state: 'applied' });
    expect(rows['openai.fetch'].state).toBe('pending');
    // require('openai') is a wrapper function in 5-7; its OpenAI/default are client.js's class, untouched.
    const { OpenAI: Klass } = fixtureRequire(`openai-${major}`)('openai/client');
    expect(OpenAI.OpenAI).toBe(Klass);
    expect(OpenAI.default).toBe(Klass);
  });

  for (const [name, call] of CASES) {
    it(`${name}: same outcome`, async () => {
      shim(false);
      const n0 = poolRequests();
      const plain = await settle(call(client()));
      expect(poolRequests(), 'plain went over the pool').toBe(n0);
      shim(true);
      const f0 = fastReads();
      const shimmed = await settle(call(client()));
      expect(poolRequests(), 'shimmed did not use the pool').toBeGreaterThan(n0);
      if (name.startsWith('stream') && !name.includes('500')) expect(fastReads()).toBeGreaterThan(f0);
      expect(shimmed).toEqual(plain);
    });
  }

  it('429 with retry-after: retried after it, the same number of times, then the same error', async () => {
    const outcome = async () => {
      const before = mock.stats().requests;
      const t0 = Date.now();
      const r = await settle(client().chat.completions.create(params, hdr({ 'x-mock-fail': '429' })));
      return { r, sent: mock.stats().requests - before, waited: Date.now() - t0 >= 900 };
    };
    shim(false);
    const plain = await outcome();
    shim(true);
    const shimmed = await outcome();
    expect(plain.sent).toBe(2);
    expect(shimmed).toEqual(plain);
  });

  for (const name of Object.keys(SSE_CASES)) {
    it(`SSE ${name}: same items, errors and logs`, async () => {
      const run = async () => {
        const { logger, lines } = recordingLogger();
        const c = new OpenAI({ apiKey: 'k', baseURL: sse.url, maxRetries: 0, logger, logLevel: 'error' });
        const r = await settle(c.chat.completions.create({ ...params, stream: true }, hdr({ 'x-sse-case': name })));
        return { r, lines };
      };
      shim(false);
      const plain = await run();
      shim(true);
      const shimmed = await run();
      expect(shimmed).toEqual(plain);
    });
  }

  it('withOptions() clones and AzureOpenAI keep the pooled fetch; a user fetch and fetchOptions are left alone', async () => {
    const c = client();
    expect(isSdkDefaultFetch(c.fetch)).toBe(true);
    expect(isSdkDefaultFetch(c.withOptions({ timeout: 5000 }).fetch)).toBe(true);
    const azure = new OpenAI.AzureOpenAI({ apiKey: 'k', endpoint: mock.url, apiVersion: '2024-10-21', deployment: 'gpt-4o-mini' });
    expect(isSdkDefaultFetch(azure.fetch)).toBe(true);
    shim(false);
    const plainAzure = await settle(new OpenAI.AzureOpenAI({ apiKey: 'k', endpoint: mock.url, apiVersion: '2024-10-21', deployment: 'd' }).chat.completions.create(params));
    shim(true);
    const n0 = poolRequests();
    expect(await settle(new OpenAI.AzureOpenAI({ apiKey: 'k', endpoint: mock.url, apiVersion: '2024-10-21', deployment: 'd' }).chat.completions.create(params))).toEqual(plainAzure);
    // openai 7's Azure client asks for `redirect: 'manual'` with an api-key: pooled too (the 3xx itself, as fetch).
    expect(poolRequests()).toBeGreaterThan(n0);

    const calls: string[] = [];
    const own = (url: string, init: any) => { calls.push(url); return fetch(url, init); };
    const mine = client({ fetch: own });
    expect(mine.fetch).toBe(own);
    expect(mine.withOptions({ timeout: 5000 }).fetch).toBe(own);
    const n1 = poolRequests();
    await mine.chat.completions.create(params);
    expect(calls.length).toBe(1);
    // fetchOptions keys beyond the SDK's own (a dispatcher, keepalive...) go to the native fetch.
    await client({ fetchOptions: { keepalive: false } }).chat.completions.create(params);
    expect(poolRequests()).toBe(n1);
  });

  it('two API keys never share headers, also when their requests interleave', async () => {
    const headers: { who: string; auth: string }[] = [];
    const srv = http.createServer((req, res) => {
      headers.push({ who: String(req.headers['x-who']), auth: String(req.headers.authorization) });
      req.resume();
      req.on('end', () => setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"object":"list","data":[]}');
      }, 3));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1`;
      const a = new OpenAI({ apiKey: 'sk-A', baseURL: url, defaultHeaders: { 'x-who': 'A' } });
      const b = new OpenAI({ apiKey: 'sk-B', baseURL: url, defaultHeaders: { 'x-who': 'B' } });
      const n0 = poolRequests();
      await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).models.list()));
      expect(poolRequests() - n0).toBe(16);
      expect(headers.length).toBe(16);
      for (const h of headers) expect(h.auth).toBe(`Bearer sk-${h.who}`);
    } finally {
      srv.closeAllConnections();
      srv.close();
    }
  });
});
