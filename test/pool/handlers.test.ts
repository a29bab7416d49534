import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { redirectAnthropicSdk } from '../../src/mock/redirect';
import { applyAcceleration, removeAcceleration } from '../../src/index';
import { getPoolStats } from '../../src/shims/pooling';

// Plain vs pooled litellm over real loopback HTTP to the embedded mock: same results, same errors.
const require = createRequire(import.meta.url);
// Loaded after the acceleration, as under --import fast-litellm/register: the handlers that call the
// global fetch are reached while their files load.
applyAcceleration();
const litellm = require('litellm');
const messages = [{ role: 'user', content: 'Say something nice about pooling' }];

let mock: MockServer;
let undoAnthropic: () => void;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
process.on('unhandledRejection', onUnhandled);

type Mode = 'plain' | 'pooled';
function mode(m: Mode): void {
  const v = m === 'plain' ? 'off' : 'on';
  applyAcceleration({ features: { connection_pooling: v, streaming: v } });
}

/** ids and timestamps differ per request by design; everything else must be equal. */
function normalize(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, x) => (k === 'id' || k === 'created' ? '<v>' : x)));
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

async function collect(p: Promise<unknown>): Promise<unknown> {
  const r: any = await p;
  if (r && typeof r[Symbol.asyncIterator] === 'function') {
    const out: unknown[] = [];
    for await (const c of r) out.push(c);
    return out;
  }
  return r;
}

async function outcome(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: normalize(await collect(fn())) };
  } catch (e: any) {
    return { err: { name: e?.constructor?.name, message: e?.message, status: e?.status } };
  }
}

function requestsServed(): number {
  return getPoolStats().reduce((n, s) => n + s.requests, 0);
}

/** Runs fn plain then pooled, checks both equal and that the pooled run went through our pools. */
async function same(fn: () => Promise<unknown>): Promise<unknown> {
  mode('plain');
  const before = requestsServed();
  const plain = await outcome(fn);
  expect(requestsServed()).toBe(before);
  mode('pooled');
  const pooled = await outcome(fn);
  expect(requestsServed()).toBeGreaterThan(before);
  expect(pooled).toEqual(plain);
  return plain;
}

beforeAll(async () => {
  mock = await startMockServer({
    replyTokens: 12,
    shouldRetry: false,
    models: {
      'gpt-fail-500': { fail: 500 },
      'gpt-fail-429': { fail: 429 },
      'fail-500': { fail: 500 },
      'gpt-drop': { drop: true },
      drop: { drop: true },
    },
  });
  undoAnthropic = redirectAnthropicSdk(mock.url);
  process.env.OPENAI_BASE_URL = `${mock.url}/v1`;
});

afterAll(async () => {
  undoAnthropic?.();
  await removeAcceleration();
  await mock?.close();
  process.off('unhandledRejection', onUnhandled);
});

const chat = (model: string, extra: Record<string, unknown> = {}) => () =>
  litellm.completion({ model, messages, apiKey: 'sk-test', baseUrl: model.startsWith('gpt') ? `${mock.url}/v1` : mock.url, ...extra });

describe('litellm completion: plain vs pooled', () => {
  for (const model of ['gpt-3.5-turbo', 'mistral/mistral-tiny', 'deepinfra/meta-llama', 'ollama/llama2', 'claude-2']) {
    it(`${model}, whole answer`, async () => {
      const r: any = await same(chat(model));
      expect(r.ok).toBeDefined();
    });
    it(`${model}, streamed`, async () => {
      const r: any = await same(chat(model, { stream: true }));
      expect(r.ok).toBeDefined();
    });
  }
});

describe('litellm embedding: plain vs pooled', () => {
  for (const model of ['text-embedding-ada-002', 'ollama/nomic', 'mistral/mistral-embed']) {
    it(model, async () => {
      const r: any = await same(() => litellm.embedding({ model, input: 'pool me', apiKey: 'sk-test', baseUrl: mock.url }));
      expect(r.ok.data.length).toBe(1);
    });
  }
});

describe('errors: plain vs pooled', () => {
  it('openai 500 and 429 (no retry asked) give the same APIError subclass and status', async () => {
    const r500: any = await same(chat('gpt-fail-500'));
    expect(r500.err).toMatchObject({ name: 'InternalServerError', status: 500 });
    const r429: any = await same(chat('gpt-fail-429'));
    expect(r429.err).toMatchObject({ name: 'RateLimitError', status: 429 });
  });
  it('ollama and mistral 500', async () => {
    const o: any = await same(chat('ollama/fail-500'));
    expect(o.err.message).toBe('Received an error with code 500 from Ollama API.');
    await same(chat('mistral/fail-500'));
  });
  it('dropped connections', async () => {
    // The mock cuts the body after the headers: node-fetch's FetchError in both runs.
    const o: any = await same(chat('gpt-drop'));
    expect(o.err.name).toBe('FetchError');
    await same(chat('mistral/drop'));
    // Ollama: litellm's own reader JSON.parses the cut line and throws SyntaxError, pooled or not.
    const o2: any = await same(chat('ollama/drop'));
    expect(o2.err.name).toBe('SyntaxError');
  });
  it('refused connections: the SDK retries then throws APIConnectionError; fetch handlers throw fetch failed', async () => {
    // A port nothing listens on (port 1 would be refused by fetch itself: it is on fetch's bad-port
    // list). The SDK waits ~0.5 s and ~1 s between its two retries, both runs.
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const o: any = await same(() => litellm.completion({ model: 'gpt-3.5-turbo', messages, apiKey: 'k', baseUrl: `${dead}/v1` }));
    expect(o.err).toMatchObject({ name: 'APIConnectionError', message: 'Connection error.' });
    for (const model of ['ollama/llama2', 'mistral/tiny']) {
      const r: any = await same(() => litellm.completion({ model, messages, apiKey: 'k', baseUrl: dead }));
      expect(r.err).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    }
  });

  it('unknown model errors are untouched', async () => {
    const r: any = await same(async () => {
      await litellm.completion({ model: 'gpt-3.5-turbo', messages, apiKey: 'k', baseUrl: `${mock.url}/v1` });
      return litellm.embedding({ model: 'nope', input: 'x' });
    });
    expect(r.err.message).toBe('Model: nope not supported. Cannot find a handler.');
  });
});

describe('Ollama lines split across network reads (the documented fix beneath litellm\'s reader)', () => {
  it.each([['splitLines'], ['splitUtf8']])('%s: plain litellm throws SyntaxError, pooled gives the whole answer', async (split) => {
    const m = await startMockServer({ replyTokens: 8, unicode: true, tokensPerSec: 200, [split]: true });
    try {
      const call = (stream: boolean) => () => litellm.completion({ model: 'ollama/llama2', messages, baseUrl: m.url, stream });
      mode('plain');
      const plain: any = await outcome(call(true));
      mode('pooled');
      const pooled: any = await outcome(call(true));
      expect(plain.err?.name).toBe('SyntaxError');
      const text = pooled.ok.map((c: any) => c.choices[0].delta.content).join('');
      expect(text.split(' ')).toHaveLength(8);
      expect(text).not.toContain('\uFFFD');
      const whole: any = await outcome(call(false));
      expect(whole.ok.choices[0].message.content).toBe(text);
    } finally {
      await m.close();
    }
  });
});

describe('retries', () => {
  it('a 429 is retried by the SDK the same number of times (3 requests) plain and pooled', async () => {
    const m = await startMockServer({ failRate: 1, failStatus: 429, retryAfterSec: 0 });
    try {
      const call = () => litellm.completion({ model: 'gpt-3.5-turbo', messages, apiKey: 'k', baseUrl: `${m.url}/v1` });
      mode('plain');
      const plain = await outcome(call);
      const n = m.stats().requests;
      mode('pooled');
      const pooled = await outcome(call);
      expect(pooled).toEqual(plain);
      expect(n).toBe(3);
      expect(m.stats().requests).toBe(2 * n);
    } finally {
      await m.close();
    }
  });
});

describe('after the runs', () => {
  it('no unhandled rejection, and no socket left once the pools and the mock are closed', async () => {
    await removeAcceleration();
    await mock.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
    expect(process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'))).toEqual([]);
  });
});
