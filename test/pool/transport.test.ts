import { createHash } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockServer } from '../../src/mock';
import { applyAcceleration, removeAcceleration } from '../../src/index';
import { getPoolStats } from '../../src/shims/pooling';

const require = createRequire(import.meta.url);
// Loaded after the acceleration, as under --import fast-litellm/register.
applyAcceleration();
const litellm = require('litellm');
const messages = [{ role: 'user', content: 'split me please' }];

afterAll(async () => {
  await removeAcceleration();
});

describe('Ollama streams over split network chunks (pooled lineChunks beneath litellm\'s own reader)', () => {
  for (const [opts, pooling] of [[{ splitLines: true }, 'on'], [{ splitUtf8: true }, 'on']] as const) {
    it(`${Object.keys(opts)[0]}, pooling ${pooling}: litellm's reader returns the unsplit answer`, async () => {
      const whole = await startMockServer({ replyTokens: 10, unicode: true });
      const split = await startMockServer({ replyTokens: 10, unicode: true, tokensPerSec: 200, ...opts });
      try {
        applyAcceleration({ features: { connection_pooling: pooling, streaming: 'on' } });
        const ref: any = await litellm.completion({ model: 'ollama/llama2', messages, baseUrl: whole.url });
        const got: any = await litellm.completion({ model: 'ollama/llama2', messages, baseUrl: split.url });
        expect(got.choices).toEqual(ref.choices);
        expect(got.usage).toEqual(ref.usage);
        const chunks: any[] = [];
        for await (const c of await litellm.completion({ model: 'ollama/llama2', messages, baseUrl: split.url, stream: true })) chunks.push(c);
        expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(ref.choices[0].message.content);
        // Plain litellm 0.12 on the same stream: throws (lines) or corrupts characters (utf8).
        applyAcceleration({ features: { connection_pooling: 'off', streaming: 'off' } });
        let plain: unknown;
        try {
          plain = ((await litellm.completion({ model: 'ollama/llama2', messages, baseUrl: split.url })) as any).choices[0].message.content;
        } catch (e) {
          plain = e;
        }
        expect(plain).not.toEqual(ref.choices[0].message.content);
      } finally {
        await whole.close();
        await split.close();
      }
    });
  }
});

describe('issue 11 #15 through litellm: a body cut mid-way fails as plain, class, message and code', () => {
  it('OpenAI handler (openai v4 over node-fetch), whole answer and SSE stream', async () => {
    const mock = await startMockServer({ models: { 'gpt-drop': { drop: true } } });
    const shape = (e: any) => ({ class: e?.constructor?.name, message: e?.message?.replace(mock.url, '<url>'), code: e?.code, errno: e?.errno, type: e?.type });
    const run = async (stream: boolean) => {
      try {
        const r = await litellm.completion({ model: 'gpt-drop', messages, apiKey: 'k', baseUrl: `${mock.url}/v1`, stream });
        if (stream) for await (const _ of r);
        return 'no error';
      } catch (e) {
        return shape(e);
      }
    };
    try {
      for (const stream of [false, true]) {
        applyAcceleration({ features: { connection_pooling: 'off' } });
        const plain = await run(stream);
        expect(plain).toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
        applyAcceleration({ features: { connection_pooling: 'on' } });
        const before = getPoolStats().reduce((n, s) => n + s.requests, 0);
        expect(await run(stream)).toEqual(plain);
        expect(getPoolStats().reduce((n, s) => n + s.requests, 0)).toBeGreaterThan(before);
      }
    } finally {
      await mock.close();
    }
  });
});

describe('API keys', () => {
  it('two API keys in flight at once never cross', async () => {
    const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
    // A tiny echo server: the reply text is a hash of the Authorization header it received.
    const srv = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        setTimeout(() => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'gpt-3.5-turbo',
            choices: [{ index: 0, message: { role: 'assistant', content: hash(String(req.headers.authorization)) }, finish_reason: 'stop' }] }));
        }, Math.random() * 5);
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(srv.address() as any).port}/v1`;
    try {
      applyAcceleration({ features: { connection_pooling: 'on' } });
      const keys = ['sk-alpha', 'sk-bravo'];
      const calls = Array.from({ length: 40 }, (_, i) => keys[i % 2]);
      const out = await Promise.all(calls.map((k) => litellm.completion({ model: 'gpt-3.5-turbo', messages, apiKey: k, baseUrl: url })));
      out.forEach((r: any, i) => expect(r.choices[0].message.content).toBe(hash(`Bearer ${calls[i]}`)));
    } finally {
      await new Promise((r) => srv.close(r));
      srv.closeAllConnections();
    }
  });
});

describe('removeAcceleration()', () => {
  it('closes the dispatchers and leaves no socket open', async () => {
    const mock = await startMockServer({});
    try {
      applyAcceleration({ features: { connection_pooling: 'on', streaming: 'on' } });
      await Promise.all(Array.from({ length: 8 }, () => litellm.completion({ model: 'gpt-3.5-turbo', messages, apiKey: 'k', baseUrl: `${mock.url}/v1` })));
      await Promise.all(Array.from({ length: 8 }, () => litellm.completion({ model: 'ollama/llama2', messages, baseUrl: mock.url })));
      const stats = getPoolStats().find((s) => s.origin === mock.url)!;
      expect(stats.requests).toBe(16);
      expect(stats.connects).toBeLessThan(stats.requests);
      expect(stats.open).toBeGreaterThan(0);
      await removeAcceleration();
      expect(getPoolStats()).toEqual([]);
      // The server sees our sockets go away.
      for (let i = 0; i < 50 && mock.stats().connectionsActive > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(mock.stats().connectionsActive).toBe(0);
      // And litellm is plain again: no request reaches our pools.
      await litellm.completion({ model: 'gpt-3.5-turbo', messages, apiKey: 'k', baseUrl: `${mock.url}/v1` });
      expect(getPoolStats()).toEqual([]);
    } finally {
      await mock.close();
    }
  });
});
