import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherRegistry, createPooledFetch } from '../../src/accelerators/pool';
import { startMockServer } from '../../src/mock';
import { runNode } from '../node-child';

// Issue 11 #1: every way a consumer stops reading a pooled body gives its socket back. The server
// sends one NDJSON line and then holds the response open, so only the client can end it.
let srv: http.Server;
let url: string;
let open = 0;
let closed = 0;
let sockets = 0;

beforeAll(async () => {
  srv = http.createServer((req, res) => {
    req.resume();
    if (req.url === '/ok') return void res.end('ok');
    if (req.url === '/whole') return void res.end('data: {"a":1}\n\ndata: [DONE]\n\n');
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write('{"model":"x","response":"a","done":false}\n');
    open++;
    res.on('close', () => { closed++; });
  });
  srv.on('connection', () => { sockets++; });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(srv.address() as any).port}`;
});

afterAll(async () => {
  srv.closeAllConnections();
  await new Promise((r) => srv.close(r));
});

async function allClosed(): Promise<void> {
  for (let i = 0; i < 200 && closed < open; i++) await new Promise((r) => setTimeout(r, 10));
  expect(closed).toBe(open);
}

type Stop = (res: any) => Promise<void>;
const STOPS: Record<string, Stop> = {
  'reader.cancel()': async (res) => {
    const reader = res.body.getReader();
    await reader.read();
    await reader.cancel();
  },
  'for await ... break': async (res) => {
    for await (const chunk of res.body) if (chunk) break;
  },
  'an error thrown in the for await body': async (res) => {
    await expect((async () => {
      for await (const chunk of res.body) if (chunk) throw new Error('consumer failed');
    })()).rejects.toThrow('consumer failed');
  },
  'iterator.return()': async (res) => {
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    expect(await it.return()).toEqual({ done: true, value: undefined });
  },
  'iterator.throw()': async (res) => {
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    await expect(it.throw(new Error('stop'))).rejects.toThrow('stop');
  },
  'releaseLock() then body.cancel()': async (res) => {
    const reader = res.body.getReader();
    await reader.read();
    reader.releaseLock();
    expect(res.body.locked).toBe(false);
    await res.body.cancel();
  },
};

describe('leaving a pooled stream early frees its socket', () => {
  for (const response of ['fast', 'web'] as const) {
    for (const [name, stop] of Object.entries(STOPS)) {
      // The platform's ReadableStream iterator has no throw() (a WHATWG async iterator only returns).
      if (response === 'web' && name === 'iterator.throw()') continue;
      it(`${response} response, ${name}: 12 exits on a Pool of 2, then a normal request`, async () => {
        const registry = new DispatcherRegistry({ connections: 2 });
        const pooled = createPooledFetch({ registry, fallback: fetch, response });
        try {
          for (let i = 0; i < 12; i++) await stop(await pooled(`${url}/stream`));
          expect(await (await pooled(`${url}/ok`)).text()).toBe('ok');
          await allClosed();
        } finally {
          await registry.destroy();
        }
      });
    }
  }

  // openai 7 cancels the body right after `[DONE]`, when its end has usually arrived already.
  it('a body cancelled once it arrived whole ends quietly and its socket serves the next request', async () => {
    const registry = new DispatcherRegistry({ connections: 1 });
    const pooled = createPooledFetch({ registry, fallback: fetch, response: 'web' });
    try {
      const before = sockets;
      for (let i = 0; i < 12; i++) {
        const res: any = await pooled(`${url}/whole`);
        const reader = res.body.getReader();
        expect((await reader.read()).done).toBe(false);
        await new Promise((r) => setTimeout(r, 5));
        await reader.cancel();
        expect(await reader.read()).toEqual({ done: true, value: undefined });
      }
      expect(await (await pooled(`${url}/ok`)).text()).toBe('ok');
      expect(sockets - before).toBe(1);
    } finally {
      await registry.destroy();
    }
  });

  it('a read after cancel() is done; a reader after releaseLock() is detached', async () => {
    const registry = new DispatcherRegistry({ connections: 2 });
    const pooled = createPooledFetch({ registry, fallback: fetch });
    try {
      const res: any = await pooled(`${url}/stream`);
      const reader = res.body.getReader();
      await reader.cancel();
      expect(await reader.read()).toEqual({ done: true, value: undefined });
      await reader.closed;
      reader.releaseLock();
      await expect(reader.read()).rejects.toThrow(TypeError);
      expect(() => res.body.getReader().releaseLock()).not.toThrow();
      await allClosed();
    } finally {
      await registry.destroy();
    }
  });
});

describe('garbage collection of abandoned responses (child process, --expose-gc)', () => {
  for (const mode of ['fast', 'web']) {
    it(`${mode}: 200 responses dropped mid-body on a Pool of 2, then a normal request, then the process exits`, async () => {
      const before = closed;
      const { out } = await runNode(['--expose-gc', '--import', 'tsx', 'test/pool/fixtures/abandon.ts', url, '200', mode], {}, 60_000);
      expect(out.text).toBe('ok');
      expect(out.requests).toBe(201);
      await allClosed();
      expect(closed - before).toBe(200);
    });
  }
});

describe('issue 11 #1 through the shim: litellm Ollama streams left by break (child process, --expose-gc)', () => {
  it('24 streams left early with FAST_LITELLM_MAX_CONNECTIONS=2, then a normal completion; the process exits', async () => {
    // Slow streams (1000 tokens at 20/s): every one is mid-body when the app leaves it. The last call
    // asks for model `fast`, answered at once.
    const models = { fast: { tokensPerSec: 0, replyTokens: 3 } };
    const slow = await startMockServer({ replyTokens: 1000, tokensPerSec: 20, models });
    try {
      const { out } = await runNode(['--expose-gc', '--import', 'tsx', 'test/pool/fixtures/litellm-abandon.ts', slow.url, '24'],
        { FAST_LITELLM_MAX_CONNECTIONS: '2' }, 60_000);
      expect(out.pooled).toBe(25);
      expect(typeof out.content).toBe('string');
      for (let i = 0; i < 200 && slow.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(slow.stats().inFlight).toBe(0);
    } finally {
      await slow.close();
    }
  });
});
