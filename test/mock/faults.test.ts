// Injected errors, dropped connections and latency, as the real litellm 0.12 sees them.
import { describe, expect, it, vi } from 'vitest';
import { completion } from 'litellm';
import { startMockServer } from '../../src/mock';

const messages = [{ role: 'user' as const, content: 'fault injection' }];

describe('mock server: injected faults', () => {
  it('429 carries retry-after and an OpenAI error body; x-should-retry=false stops the SDK retries', async () => {
    const m = await startMockServer({ failRate: 1, failStatus: 429, retryAfterSec: 3, shouldRetry: false });
    try {
      const err: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: m.url + '/v1', apiKey: 'k', messages }).catch((e) => e);
      expect(err.status).toBe(429);
      expect(err.constructor.name).toBe('RateLimitError');
      expect(err.headers['retry-after']).toBe('3');
      expect(err.error).toMatchObject({ type: 'rate_limit_exceeded', message: 'mock injected 429' });
      expect(m.stats().failed).toBe(1);
    } finally {
      await m.close();
    }
  });

  it('the SDK obeys retry-after on 429 (1 try + 2 retries reach the server)', async () => {
    const m = await startMockServer({ failRate: 1, failStatus: 429, retryAfterSec: 1 });
    try {
      const err: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: m.url + '/v1', apiKey: 'k', messages }).catch((e) => e);
      expect(err.status).toBe(429);
      expect(m.stats().failed).toBe(3);
    } finally {
      await m.close();
    }
  });

  it('500 reaches litellm as InternalServerError (OpenAI) and as its own error (Ollama)', async () => {
    const m = await startMockServer({ failRate: 1, failStatus: 500, shouldRetry: false });
    try {
      const err: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: m.url + '/v1', apiKey: 'k', messages }).catch((e) => e);
      expect(err.status).toBe(500);
      expect(err.constructor.name).toBe('InternalServerError');
      await expect(completion({ model: 'ollama/llama2', baseUrl: m.url, messages })).rejects.toThrow(
        'Received an error with code 500 from Ollama API.',
      );
    } finally {
      await m.close();
    }
  });

  it('failRate fails about that share of requests, the same ones for the same seed', async () => {
    const run = async () => {
      const m = await startMockServer({ failRate: 0.3, failStatus: 503, seed: 11 });
      const statuses: number[] = [];
      try {
        for (let i = 0; i < 200; i++) {
          const r = await fetch(m.url + '/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'x', messages }) });
          await r.arrayBuffer();
          statuses.push(r.status);
        }
        expect(m.stats().failed).toBe(statuses.filter((s) => s === 503).length);
      } finally {
        await m.close();
      }
      return statuses;
    };
    const a = await run();
    const b = await run();
    expect(b).toEqual(a);
    const failed = a.filter((s) => s === 503).length;
    // binomial(200, 0.3): mean 60, sd 6.5; 4 sd either side
    expect(failed).toBeGreaterThan(34);
    expect(failed).toBeLessThan(86);
    expect(a.filter((s) => s !== 503 && s !== 200)).toEqual([]);
  });

  it('dropRate cuts the connection in the middle of a JSON body and of a stream', async () => {
    const m = await startMockServer({ dropRate: 1, replyTokens: 8 });
    try {
      const err: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: m.url + '/v1', apiKey: 'k', messages }).catch((e) => e);
      expect(err).toBeInstanceOf(Error);
      expect(String(err.message)).toMatch(/premature close|terminated|ECONNRESET|socket hang up|Connection error/i);
      const stream: any = await completion({ model: 'ollama/llama2', baseUrl: m.url, messages, stream: true });
      const got: string[] = [];
      await expect((async () => {
        for await (const c of stream) got.push(c.choices[0].delta.content);
      })()).rejects.toThrow();
      expect(got.length).toBeLessThan(8);
      // the server notes the drop when its socket closes, which may trail the client's error
      await vi.waitFor(() => expect(m.stats().dropped).toBe(2));
    } finally {
      await m.close();
    }
  });

  it('a one-token stream is cut too, and counted as dropped', async () => {
    const m = await startMockServer({ replyTokens: 1 });
    try {
      const r = await fetch(m.url + '/api/generate', { method: 'POST', headers: { 'x-mock-drop': '1' }, body: '{"prompt":"x"}' });
      await expect(r.text()).rejects.toThrow();
      await vi.waitFor(() => expect(m.stats().dropped).toBe(1));
    } finally {
      await m.close();
    }
  });

  it('x-mock-* headers override the server options per request', async () => {
    const m = await startMockServer({ replyTokens: 4 });
    try {
      const r = await fetch(m.url + '/v1/chat/completions', {
        method: 'POST', headers: { 'x-mock-fail': '502', 'x-mock-reply-tokens': '2' }, body: JSON.stringify({ messages }),
      });
      expect(r.status).toBe(502);
      await r.arrayBuffer();
      const ok = await fetch(m.url + '/v1/chat/completions', {
        method: 'POST', headers: { 'x-mock-reply-tokens': '2' }, body: JSON.stringify({ messages }),
      }).then((x) => x.json() as Promise<any>);
      expect(ok.usage.completion_tokens).toBe(2);
    } finally {
      await m.close();
    }
  });

  it('holds a response for latencyMs and the first streamed token for ttftMs', async () => {
    const m = await startMockServer({ latencyMs: 60, ttftMs: 120, replyTokens: 3 });
    try {
      let t0 = performance.now();
      await completion({ model: 'gpt-3.5-turbo', baseUrl: m.url + '/v1', apiKey: 'k', messages });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
      t0 = performance.now();
      const stream: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: m.url + '/v1', apiKey: 'k', messages, stream: true });
      for await (const _ of stream) break;
      expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
    } finally {
      await m.close();
    }
  });
});
