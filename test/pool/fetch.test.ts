import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherRegistry, createPooledFetch } from '../../src/accelerators/pool';

// The fetch-compatible transport on its own, against a loopback server, compared with global fetch.
let srv: http.Server;
let base: string;
const registry = new DispatcherRegistry({ connections: 4 });
const calls: string[] = [];
const fallback = (input: any, init?: any) => {
  calls.push(String(input));
  return fetch(input, init);
};
const pooled = createPooledFetch({ registry, fallback });

beforeAll(async () => {
  srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/echo?from=redirect' });
        return res.end();
      }
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"partial":');
        return setTimeout(() => res.destroy(), 5);
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-multi': 'a', 'set-cookie': ['a=1', 'b=2'] });
      res.end(JSON.stringify({ method: req.method, url: req.url, body, auth: req.headers.authorization ?? null }));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(srv.address() as any).port}`;
});

afterAll(async () => {
  await registry.close();
  srv.closeAllConnections();
  await new Promise((r) => srv.close(r));
});

async function both(url: string, init?: any) {
  const a = await fetch(url, init);
  const b = await pooled(url, init);
  return { a, b };
}

describe('createPooledFetch', () => {
  it('answers like fetch: status, ok, headers, json, text (query kept, hash dropped)', async () => {
    const init = { method: 'post', headers: { Authorization: 'Bearer k', 'content-type': 'application/json' }, body: '{"x":1}' };
    const { a, b } = await both(`${base}/echo?q=1#frag`, init);
    expect(b.status).toBe(a.status);
    expect(b.ok).toBe(true);
    expect(b.headers.get('Content-Type')).toBe(a.headers.get('content-type'));
    expect(b.headers.get('x-missing')).toBeNull();
    expect(b.headers.getSetCookie()).toEqual(a.headers.getSetCookie());
    const ea = [...a.headers.entries()].filter(([k]) => k !== 'date' && k !== 'keep-alive' && k !== 'connection');
    const eb = [...b.headers.entries()].filter(([k]) => k !== 'date' && k !== 'keep-alive' && k !== 'connection');
    expect(eb).toEqual(ea);
    expect(await b.json()).toEqual(await a.json());
    await expect(b.text()).rejects.toThrow(TypeError);
  });

  it('reads the body through getReader() and async iteration', async () => {
    const r1 = await pooled(`${base}/echo`);
    const reader = r1.body.getReader();
    const parts: Uint8Array[] = [];
    for (let n = await reader.read(); !n.done; n = await reader.read()) parts.push(n.value);
    expect(JSON.parse(Buffer.concat(parts).toString()).url).toBe('/echo');
    const r2 = await pooled(`${base}/echo`);
    const parts2: Uint8Array[] = [];
    for await (const p of r2.body) parts2.push(p);
    expect(JSON.parse(Buffer.concat(parts2).toString()).method).toBe('GET');
  });

  it('follows redirects itself; hands credentials in URLs and Request objects to the fallback', async () => {
    calls.length = 0;
    const r = await pooled(`${base}/redirect`);
    expect((await r.json()).url).toBe('/echo?from=redirect');
    expect(r.url).toBe(`${base}/echo?from=redirect`);
    expect(r.redirected).toBe(true);
    expect(calls).toEqual([]);
    await expect(pooled(`http://u:p@127.0.0.1:1/`)).rejects.toThrow(TypeError);
    const req = new Request(`${base}/echo`);
    expect((await pooled(req)).status).toBe(200);
    expect(calls.length).toBe(2);
  });

  it('a body cut mid-way rejects like fetch (TypeError terminated); refused connections like fetch', async () => {
    const { a, b } = await both(`${base}/cut`);
    const ea = await a.text().catch((e: Error) => e);
    const eb = await b.text().catch((e: Error) => e);
    expect(eb).toBeInstanceOf(TypeError);
    expect((eb as Error).message).toBe((ea as Error).message);
    const fa = await fetch('http://127.0.0.1:1/').catch((e: Error) => e);
    const fb = await pooled('http://127.0.0.1:1/').catch((e: Error) => e);
    expect(fb).toBeInstanceOf(TypeError);
    expect((fb as Error).message).toBe((fa as Error).message);
  });

  it('honours abort signals: before the request and while waiting', async () => {
    const ac = new AbortController();
    ac.abort();
    const e1 = await pooled(`${base}/echo`, { signal: ac.signal }).catch((e: Error) => e);
    expect((e1 as Error).name).toBe('AbortError');
    const ac2 = new AbortController();
    const p = pooled(`${base}/cut`, { signal: ac2.signal }).then((r: any) => r.text());
    setTimeout(() => ac2.abort(), 1);
    const e2 = await p.catch((e: Error) => e);
    expect((e2 as Error).name).toBe('AbortError');
  });

  it('counts requests and sockets per origin; sockets stay within the pool size', async () => {
    await Promise.all(Array.from({ length: 20 }, () => pooled(`${base}/echo`).then((r: any) => r.json())));
    const s = registry.stats().find((x) => x.origin === base)!;
    expect(s.connects).toBeLessThanOrEqual(4 + s.disconnects);
    expect(s.open).toBeLessThanOrEqual(4);
    expect(s.reuseRatio).toBeGreaterThan(0);
  });
});
