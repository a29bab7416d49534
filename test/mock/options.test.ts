import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../src/mock';

describe('mock server: options', () => {
  it.each([
    [{ failRate: 2 }, 'mock server option failRate must be a number from 0 to 1, got 2'],
    [{ port: -1 }, 'mock server option port must be an integer from 0 to 65535, got -1'],
    [{ chunkTokens: 0 }, 'mock server option chunkTokens must be an integer from 1 to 1000000, got 0'],
    [{ splitLines: 'yes' }, 'mock server option splitLines must be a boolean, got yes'],
    [{ latencyMS: 5 }, 'unknown mock server option latencyMS'],
  ])('rejects %j', async (opts, message) => {
    await expect(startMockServer(opts as any)).rejects.toThrow(message);
  });

  it('answers 404 with an OpenAI error body on an unknown route, 400 on bad JSON', async () => {
    const m = await startMockServer();
    try {
      const r = await fetch(m.url + '/v1/nope', { method: 'POST', body: '{}' });
      expect(r.status).toBe(404);
      expect(((await r.json()) as any).error.message).toBe('no mock route for POST /v1/nope');
      const b = await fetch(m.url + '/v1/chat/completions', { method: 'POST', body: '{oops' });
      expect(b.status).toBe(400);
      await b.arrayBuffer();
    } finally {
      await m.close();
    }
  });

  it('close() ends open keep-alive connections and is idempotent', async () => {
    const m = await startMockServer();
    await fetch(m.url + '/health').then((r) => r.text());
    expect(m.stats().connectionsActive).toBe(1);
    await Promise.all([m.close(), m.close()]);
    await expect(fetch(m.url + '/health')).rejects.toThrow();
  });
});
