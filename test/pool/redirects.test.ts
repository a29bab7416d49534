import http from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherRegistry, createPooledFetch, type FetchLike, flavourOf } from '../../src/accelerators/pool';
import { type MockServer, startMockServer } from '../../src/mock';

// Issue 11 #11: a 3xx answer to a pooled request is followed as fetch follows it, by the pooled path
// itself; the request (and its body) is never sent again through the fallback.
const require = createRequire(import.meta.url);
const nodeFetch: FetchLike = require('node-fetch');

interface Seen {
  server: string; method: string; path: string; body: string;
  type: string | null; auth: string | null; cookie: string | null;
}
const seen: Seen[] = [];
let mock: MockServer;
let a: http.Server;
let b: http.Server;
let A: string;
let B: string;

function server(name: string): http.Server {
  return http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x');
      seen.push({ server: name, method: req.method!, path: u.pathname, body, type: req.headers['content-type'] ?? null,
        auth: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null });
      const hop = /^\/hop\/(\d+)$/.exec(u.pathname);
      if (hop) {
        res.writeHead(Number(hop[1]), { location: u.searchParams.get('to')! });
        return void res.end('redirect body');
      }
      const loop = /^\/loop\/(\d+)$/.exec(u.pathname);
      if (loop) {
        res.writeHead(302, { location: `/loop/${Number(loop[1]) + 1}` });
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(seen[seen.length - 1]));
    });
  });
}

const registry = new DispatcherRegistry({ connections: 4 });
const fallbackCalls: string[] = [];
const spy = (f: FetchLike): FetchLike => (input, init) => {
  fallbackCalls.push(String(input));
  return f(input, init);
};
const pooledFetch = createPooledFetch({ registry, fallback: spy(fetch) });
// The spy carries no FetchError of its own: name node-fetch's flavour explicitly.
const pooledNode = createPooledFetch({ registry, fallback: spy(nodeFetch), flavour: flavourOf(nodeFetch) });

beforeAll(async () => {
  mock = await startMockServer({});
  a = server('A');
  b = server('B');
  for (const s of [a, b]) await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  A = `http://127.0.0.1:${(a.address() as any).port}`;
  B = `http://127.0.0.1:${(b.address() as any).port}`;
});

afterAll(async () => {
  await registry.close();
  await mock.close();
  for (const s of [a, b]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** What one call did: the answer, and every request the servers saw for it. */
async function trace(f: FetchLike, url: string, init?: any) {
  seen.length = 0;
  fallbackCalls.length = 0;
  let answer: unknown;
  try {
    const r = await f(url, init);
    answer = { status: r.status, url: r.url, redirected: r.redirected, body: await r.text() };
  } catch (e: any) {
    answer = { error: e.constructor.name, message: e.message, type: e.type, cause: e.cause?.message };
  }
  return { answer, seen: seen.map((s) => ({ ...s })), fallbackCalls: [...fallbackCalls] };
}

const post = (method: string) => ({
  method, body: '{"prompt":"pay once"}', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-1', cookie: 'c=1' },
});

describe('redirects followed as fetch follows them', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    for (const method of ['POST', 'PUT']) {
      it(`${status} to ${method}: same answer and the same requests as fetch, none through the fallback`, async () => {
        const url = `${A}/hop/${status}?to=${encodeURIComponent('/echo')}`;
        const plain = await trace(fetch, url, post(method));
        const pooled = await trace(pooledFetch, url, post(method));
        expect(pooled.fallbackCalls).toEqual([]);
        expect(pooled.answer).toEqual(plain.answer);
        expect(pooled.seen).toEqual(plain.seen);
        // The first request went out once, with its body; the hop got the body only on 307/308 (and 301/302 PUT).
        expect(pooled.seen.filter((s) => s.path.startsWith('/hop')).map((s) => s.body)).toEqual(['{"prompt":"pay once"}']);
        const keep = status === 307 || status === 308 || (method === 'PUT' && status !== 303);
        expect(pooled.seen[1]).toMatchObject({ method: keep ? method : 'GET', body: keep ? '{"prompt":"pay once"}' : '' });
      });
    }
  }

  it('node-fetch users: the same methods and bodies as node-fetch sends', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const url = `${A}/hop/${status}?to=${encodeURIComponent('/echo')}`;
      const plain = await trace(nodeFetch, url, post('POST'));
      const pooled = await trace(pooledNode, url, post('POST'));
      expect(pooled.fallbackCalls).toEqual([]);
      const what = (t: typeof plain) => t.seen.map((s) => [s.method, s.path, s.body]);
      expect(what(pooled)).toEqual(what(plain));
      expect((pooled.answer as any).status).toBe((plain.answer as any).status);
      expect((pooled.answer as any).url).toBe((plain.answer as any).url);
    }
  });

  it('the provider (the mock behind a redirecting gateway) sees each POST exactly once', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'hi' }] }) };
    for (const status of [307, 308, 302]) {
      const url = `${A}/hop/${status}?to=${encodeURIComponent(`${mock.url}/v1/chat/completions`)}`;
      const outcomes: unknown[] = [];
      for (const f of [fetch, pooledFetch]) {
        mock.resetStats();
        const t = await trace(f, url, init);
        const st = mock.stats();
        outcomes.push({ status: (t.answer as any).status, gateway: t.seen.length, provider: st.requests, chats: st.byRoute['openai.chat'] ?? 0 });
      }
      expect(outcomes[1]).toEqual(outcomes[0]);
      expect(outcomes[1]).toMatchObject({ gateway: 1, provider: 1 });
    }
  });

  it('a cross-origin hop drops credentials (authorization, cookie), a same-origin one keeps them', async () => {
    for (const to of [`${B}/echo`, `${A}/echo`]) {
      const url = `${A}/hop/307?to=${encodeURIComponent(to)}`;
      const plain = await trace(fetch, url, post('POST'));
      const pooled = await trace(pooledFetch, url, post('POST'));
      expect(pooled.seen).toEqual(plain.seen);
      expect(pooled.seen[1].server).toBe(to.startsWith(B) ? 'B' : 'A');
      expect(pooled.seen[1].auth).toBe(to.startsWith(B) ? null : 'Bearer sk-1');
    }
    const node = await trace(pooledNode, `${A}/hop/307?to=${encodeURIComponent(`${B}/echo`)}`, post('POST'));
    expect(node.seen[1]).toMatchObject({ server: 'B', auth: null, cookie: null });
  });

  it("more than 20 hops, a non-http(s) Location, an invalid one, one with credentials: each flavour's own error", async () => {
    const cases = [`${A}/loop/0`, `${A}/hop/302?to=${encodeURIComponent('ftp://x/')}`, `${A}/hop/302?to=${encodeURIComponent('http://[::1')}`,
      `${A}/hop/302?to=${encodeURIComponent(`http://u:p@127.0.0.1:${new URL(A).port}/echo`)}`];
    for (const url of cases) {
      const plain = await trace(fetch, url);
      const pooled = await trace(pooledFetch, url);
      expect(pooled.answer).toEqual(plain.answer);
      expect(pooled.seen.length).toBe(plain.seen.length);
      expect(pooled.fallbackCalls).toEqual([]);
    }
    // node-fetch follows a Location with credentials; the pooled path refuses it as fetch does.
    for (const url of cases.slice(0, 3)) {
      const plain = await trace(nodeFetch, url);
      const pooled = await trace(pooledNode, url);
      expect(pooled.answer).toEqual(plain.answer);
      expect(pooled.seen.length).toBe(plain.seen.length);
    }
  });

  it("redirect: 'manual' gives the 3xx itself as fetch does; 'error' goes to the fallback before anything is sent", async () => {
    const url = `${A}/hop/307?to=${encodeURIComponent('/echo')}`;
    const manualPlain = await trace(fetch, url, { ...post('POST'), redirect: 'manual' });
    const manualPooled = await trace(pooledFetch, url, { ...post('POST'), redirect: 'manual' });
    expect(manualPooled.fallbackCalls).toEqual([]);
    expect(manualPooled.answer).toEqual(manualPlain.answer);
    expect(manualPooled.seen).toEqual(manualPlain.seen);
    expect(manualPooled.seen.length).toBe(1);
    const plain = await trace(fetch, url, { ...post('POST'), redirect: 'error' });
    const pooled = await trace(pooledFetch, url, { ...post('POST'), redirect: 'error' });
    expect(pooled.fallbackCalls).toEqual([url]);
    expect(pooled.answer).toEqual(plain.answer);
    expect(pooled.seen).toEqual(plain.seen);
    expect(pooled.seen.length).toBe(1);
  });

});
