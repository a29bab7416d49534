import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherRegistry, createPooledFetch, type FetchLike } from '../../src/accelerators/pool';
import { type MockServer, startMockServer } from '../../src/mock';

// createPooledFetch({ response: 'web' }): a real global Response over the pooled request's body, for
// callers that need one (openai 5-7 check instanceof, asResponse(), withResponse()); compared with
// Node's fetch on the same answers. Content decoding is checked for both response modes.
const TEXT = 'héllo pooled world '.repeat(200);
const CODINGS: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  'x-gzip': (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  'deflate-raw': (b) => zlib.deflateRawSync(b),
  br: (b) => zlib.brotliCompressSync(b),
  'gzip, br': (b) => zlib.brotliCompressSync(zlib.gzipSync(b)),
  'identity-ish': (b) => b,
};

let srv: http.Server;
let url: string;
let mock: MockServer;
let release: (() => void) | undefined;
const registry = new DispatcherRegistry({ connections: 4 });
const web = createPooledFetch({ registry, fallback: fetch, response: 'web' });
const fast = createPooledFetch({ registry, fallback: fetch });

beforeAll(async () => {
  mock = await startMockServer({ replyTokens: 20 });
  srv = http.createServer((req, res) => {
    req.resume();
    const u = new URL(req.url!, 'http://x');
    const coding = u.searchParams.get('coding');
    if (coding !== null) {
      const wire = coding === 'deflate-raw' ? 'deflate' : coding;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': wire });
      return void res.end(req.method === 'HEAD' ? undefined : CODINGS[coding](Buffer.from(TEXT)));
    }
    if (u.pathname === '/empty') {
      res.writeHead(204, { 'x-a': '1' });
      return void res.end();
    }
    if (u.pathname === '/held') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first ');
      release = () => res.end('last');
      return;
    }
    res.writeHead(201, 'Made It', { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-multi': ['p', 'q'] });
    res.end(JSON.stringify({ method: req.method, path: u.pathname }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(srv.address() as any).port}`;
});

afterAll(async () => {
  await registry.close();
  await mock.close();
  srv.closeAllConnections();
  await new Promise((r) => srv.close(r));
});

const volatile = new Set(['date', 'keep-alive', 'connection']);
const headersOf = (r: Response) => [...r.headers].filter(([k]) => !volatile.has(k));

describe("response: 'web'", () => {
  it('is a real Response, equal to fetch on status, statusText, url, headers and body', async () => {
    const a = await fetch(`${url}/x?q=1#frag`);
    const b: Response = await web(`${url}/x?q=1#frag`);
    expect(b).toBeInstanceOf(Response);
    expect(Object.getPrototypeOf(b)).toBe(Response.prototype);
    expect(b.headers).toBeInstanceOf(Headers);
    expect(b.body).toBeInstanceOf(ReadableStream);
    for (const k of ['status', 'statusText', 'ok', 'url', 'redirected', 'type', 'bodyUsed'] as const) expect(b[k], k).toBe(a[k]);
    expect(headersOf(b)).toEqual(headersOf(a));
    expect(b.headers.getSetCookie()).toEqual(a.headers.getSetCookie());
    const c = b.clone();
    expect(await b.json()).toEqual(await a.json());
    expect(b.bodyUsed).toBe(true);
    expect(await c.text()).toBe(JSON.stringify({ method: 'GET', path: '/x' }));
  });

  it('streams the body as it comes (never buffered), in plain Uint8Array chunks', async () => {
    const res: Response = await web(`${url}/held`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.value!.constructor).toBe(Uint8Array);
    expect(Buffer.from(first.value!).toString()).toBe('first ');
    release!();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += Buffer.from(r.value).toString();
    expect(rest).toBe('last');
  });

  it('null bodies as fetch: 204 and HEAD', async () => {
    for (const [path, method] of [['/empty', 'GET'], ['/x', 'HEAD']]) {
      const a = await fetch(`${url}${path}`, { method });
      const b: Response = await web(`${url}${path}`, { method });
      expect(b.body).toBe(a.body);
      expect(b.status).toBe(a.status);
      expect(await b.text()).toBe(await a.text());
    }
  });

  it('errors as fetch: a dropped body, a refused connection, an abort mid-body', async () => {
    const drop = { method: 'POST', headers: { 'x-mock-drop': '1' }, body: '{"model":"m","messages":[],"stream":true}' };
    const shape = (e: any) => [e.constructor.name, e.name, e.message, e.cause?.constructor.name, e.cause?.code];
    const run = async (f: FetchLike, how: 'text' | 'reader') => {
      try {
        const r = await f(`${mock.url}/v1/chat/completions`, drop);
        if (how === 'text') await r.text();
        else for (const reader = r.body.getReader(); !(await reader.read()).done;);
        return 'no error';
      } catch (e) {
        return shape(e);
      }
    };
    for (const how of ['text', 'reader'] as const) expect(await run(web, how)).toEqual(await run(fetch, how));
    const refused = async (f: FetchLike) => f('http://127.0.0.1:9/').catch(shape);
    expect(await refused(web)).toEqual(await refused(fetch));
    const abort = async (f: FetchLike) => {
      const ac = new AbortController();
      const r = await f(`${url}/held`, { signal: ac.signal });
      setTimeout(() => ac.abort(), 5);
      return r.text().catch(shape);
    };
    expect(await abort(web)).toEqual(await abort(fetch));
    release!();
  });
});

describe('content decoding as fetch', () => {
  for (const [name, f] of Object.entries({ web, fast })) {
    it(`${name}: ${Object.keys(CODINGS).join(', ')}; HEAD untouched`, async () => {
      for (const coding of Object.keys(CODINGS)) {
        const a = await fetch(`${url}/?coding=${encodeURIComponent(coding)}`);
        const b = await f(`${url}/?coding=${encodeURIComponent(coding)}`);
        const [ta, tb] = [await a.text(), await b.text()];
        expect(tb, coding).toBe(ta);
        expect(b.headers.get('content-encoding')).toBe(a.headers.get('content-encoding'));
      }
      const h = await f(`${url}/?coding=gzip`, { method: 'HEAD' });
      expect(h.status).toBe(200);
      expect(await h.text()).toBe('');
    });
  }
});
