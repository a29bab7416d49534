import http from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherRegistry, createPooledFetch, type FetchLike } from '../../src/accelerators/pool';
import { type MockServer, startMockServer } from '../../src/mock';

// Issue 11 #15: what an app sees when a body fails, plain vs pooled, for both fetches the pooled one
// stands in for: Node's fetch (litellm's Ollama/Mistral/DeepInfra/AI21 handlers) and node-fetch 2
// (the openai v4 and Anthropic 0.6 SDKs' default). Same responses, same class, name, message, code.
const require = createRequire(import.meta.url);
const nodeFetch: FetchLike = require('node-fetch');
const OpenAI = require('openai');

let mock: MockServer;
let srv: http.Server;
let local: string;
let closedPort: string;
const registry = new DispatcherRegistry({ connections: 8 });
const FLAVOURS: Record<string, { plain: FetchLike; pooled: FetchLike }> = {
  fetch: { plain: fetch, pooled: createPooledFetch({ registry, fallback: fetch }) },
  'node-fetch': { plain: nodeFetch, pooled: createPooledFetch({ registry, fallback: nodeFetch }) },
};

beforeAll(async () => {
  mock = await startMockServer({ replyTokens: 40 });
  srv = http.createServer((req, res) => {
    req.resume();
    if (req.url === '/badgz') {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
      return void res.end('not gzip at all');
    }
    if (req.url === '/hangup') return void req.socket.destroy();
    if (req.url === '/bom') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('\uFEFF{"a":1}');
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('held open');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  local = `http://127.0.0.1:${(srv.address() as any).port}`;
  const gone = http.createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', () => r()));
  closedPort = `http://127.0.0.1:${(gone.address() as any).port}/`;
  await new Promise((r) => gone.close(r));
});

afterAll(async () => {
  await registry.close();
  await mock.close();
  srv.closeAllConnections();
  await new Promise((r) => srv.close(r));
});

function shape(e: any): unknown {
  if (e === undefined || e === null) return e;
  if (typeof e !== 'object') return { value: e };
  const c = e.cause;
  return {
    class: e.constructor?.name, name: e.name, message: e.message, code: e.code, errno: e.errno, type: e.type,
    cause: c && {
      class: c.constructor?.name, name: c.name, message: c.message, code: c.code, keys: Object.keys(c).sort(),
    },
  };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return shape(e);
  }
}

/** Reads a body chunk by chunk the way its users do: getReader() for fetch, for await for node-fetch. */
async function drain(res: any): Promise<void> {
  if (typeof res.body.getReader === 'function') {
    const reader = res.body.getReader();
    while (!(await reader.read()).done);
  } else {
    for await (const _ of res.body);
  }
}

async function iterate(res: any): Promise<void> {
  for await (const _ of res.body);
}

const chat = (stream: boolean) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-mock-drop': '1' },
  body: JSON.stringify({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'cut me' }], stream }),
});
const ollama = { method: 'POST', headers: { 'x-mock-drop': '1' }, body: JSON.stringify({ model: 'llama2', prompt: 'cut me' }) };

describe('a body cut mid-way (mock x-mock-drop), plain vs pooled', () => {
  for (const [flavour, { plain, pooled }] of Object.entries(FLAVOURS)) {
    const cases: Record<string, (f: FetchLike) => Promise<unknown>> = {
      'JSON answer, text()': async (f) => failure((await f(`${mock.url}/v1/chat/completions`, chat(false))).text()),
      'JSON answer, json()': async (f) => failure((await f(`${mock.url}/v1/chat/completions`, chat(false))).json()),
      'SSE stream, read chunk by chunk': async (f) => failure(drain(await f(`${mock.url}/v1/chat/completions`, chat(true)))),
      'SSE stream, for await': async (f) => failure(iterate(await f(`${mock.url}/v1/chat/completions`, chat(true)))),
      'Ollama NDJSON stream, read chunk by chunk': async (f) => failure(drain(await f(`${mock.url}/api/generate`, ollama))),
    };
    for (const [name, run] of Object.entries(cases)) {
      it(`${flavour}: ${name}`, async () => {
        const want = await run(plain);
        expect(want).not.toBe('no error');
        expect(await run(pooled)).toEqual(want);
      });
    }

    it(`${flavour}: a body that failed before anyone read it rejects as plain (never waits forever)`, async () => {
      const run = async (f: FetchLike) => {
        const dropped = mock.stats().dropped;
        const res = await f(`${mock.url}/v1/chat/completions`, chat(false));
        for (let i = 0; i < 200 && mock.stats().dropped === dropped; i++) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, 20));
        const hung = new Promise((r) => setTimeout(() => r('hung'), 5_000).unref());
        return Promise.race([failure(res.text()), hung]);
      };
      const want = await run(plain);
      expect(await run(pooled)).toEqual(want);
    });

    it(`${flavour}: bad compressed data, whole and streamed`, async () => {
      for (const read of [(r: any) => r.text(), drain]) {
        const want = await failure(plain(`${local}/badgz`).then(read));
        expect(want).not.toBe('no error');
        expect(await failure(pooled(`${local}/badgz`).then(read))).toEqual(want);
      }
    });

    it(`${flavour}: connection refused, fetch's bad port 1, and closed before the response`, async () => {
      for (const url of [closedPort, 'http://127.0.0.1:1/', `${local}/hangup`]) {
        const want = await failure(plain(url));
        expect(want).not.toBe('no error');
        expect(await failure(pooled(url))).toEqual(want);
      }
    });

    it(`${flavour}: the caller aborts before the request, during text() and during a stream`, async () => {
      const ac0 = new AbortController();
      ac0.abort();
      expect(await failure(pooled(`${local}/open`, { signal: ac0.signal }))).toEqual(await failure(plain(`${local}/open`, { signal: ac0.signal })));
      for (const read of [(r: any) => r.text(), drain]) {
        const run = async (f: FetchLike) => {
          const ac = new AbortController();
          const res = await f(`${local}/open`, { signal: ac.signal });
          setTimeout(() => ac.abort(), 10);
          return failure(read(res));
        };
        expect(await run(pooled)).toEqual(await run(plain));
      }
    });

    it(`${flavour}: text() and json() treat a leading BOM as plain does`, async () => {
      for (const read of [(r: any) => r.text(), (r: any) => r.json()]) {
        const outcome = async (f: FetchLike) => read(await f(`${local}/bom`)).then((v: unknown) => ({ v }), shape);
        expect(await outcome(pooled)).toEqual(await outcome(plain));
      }
    });
  }
});

describe('the openai v4 SDK (node-fetch) over a dropped body, plain vs pooled', () => {
  const client = (fetchFn?: FetchLike) => new OpenAI({
    apiKey: 'sk-test', baseURL: `${mock.url}/v1`, maxRetries: 0, defaultHeaders: { 'x-mock-drop': '1' }, ...(fetchFn ? { fetch: fetchFn } : {}),
  });
  const params = { model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'cut me' }] };

  it('whole answer', async () => {
    const want = await failure(client().chat.completions.create(params));
    expect(want).toMatchObject({ class: 'FetchError', code: 'ERR_STREAM_PREMATURE_CLOSE' });
    expect(await failure(client(FLAVOURS['node-fetch'].pooled).chat.completions.create(params))).toEqual(want);
  });

  it('SSE stream', async () => {
    const run = async (c: any) => failure((async () => {
      for await (const _ of await c.chat.completions.create({ ...params, stream: true }));
    })());
    const want = await run(client());
    expect(want).toMatchObject({ class: 'Error', message: 'Premature close', code: 'ERR_STREAM_PREMATURE_CLOSE' });
    expect(await run(client(FLAVOURS['node-fetch'].pooled))).toEqual(want);
  });
});
