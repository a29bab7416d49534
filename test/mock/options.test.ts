import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../src/mock';
import { MockOptionError } from '../../src/mock/options';

describe('mock server: options', () => {
  it.each([
    [{ failRate: 2 }, 'startMockServer: failRate: invalid value 2; accepted: a number from 0 to 1'],
    [{ port: -1 }, 'startMockServer: port: invalid value -1; accepted: an integer from 0 to 65535'],
    [{ chunkTokens: 0 }, 'startMockServer: chunkTokens: invalid value 0; accepted: an integer from 1 to 1000000'],
    [{ splitLines: 'yes' }, 'startMockServer: splitLines: invalid value "yes"; accepted: true or false'],
    [{ latencyMS: 5 }, 'startMockServer: unknown option "latencyMS"'],
  ])('rejects %j', async (opts, message) => {
    const err = await startMockServer(opts as any).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(MockOptionError);
    expect(err).toMatchObject({ code: 'FAST_LITELLM_MOCK_OPTION', message });
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
