import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherRegistry, createPooledFetch, type FetchLike } from '../../src/accelerators/pool';

// A header value undici refuses (control characters, characters above U+00FF: API keys with odd
// bytes) fails before anything is sent, so the replaced fetch answers: the app gets the error it had
// without the pool, and the request is made at most once (found by the fault matrix, keys-odd-api-keys).
const nodeFetch: FetchLike = require('node-fetch');
let srv: http.Server;
let url: string;
let requests = 0;

beforeAll(async () => {
  srv = http.createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => res.end('{}'));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1/chat/completions`;
});

afterAll(async () => {
  srv.closeAllConnections();
  await new Promise((r) => srv.close(r));
});

const registry = new DispatcherRegistry({});
const shape = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'sent';
  } catch (e: any) {
    return { class: e?.constructor?.name, message: e?.message, code: e?.code, cause: e?.cause?.message };
  }
};

describe('a header value undici refuses: the replaced fetch answers', () => {
  for (const [name, fallback] of [['fetch', fetch], ['node-fetch', nodeFetch]] as [string, FetchLike][]) {
    const pooled = createPooledFetch({ registry, fallback });
    for (const value of ['Bearer sk-a\nb', 'Bearer sk-\r\nx-injected: 1', 'Bearer sk-\u0000', 'Bearer sk-\u{1F600}', 'Bearer sk-\ud800']) {
      it(`${name}: ${JSON.stringify(value)}`, async () => {
        const init = { method: 'POST', headers: { authorization: value, 'content-type': 'application/json' }, body: '{}' };
        const before = requests;
        const want = await shape(fallback(url, init));
        const sentPlain = requests - before;
        expect(await shape(pooled(url, init))).toEqual(want);
        expect(requests - before).toBe(2 * sentPlain);
      });
    }
  }
});
