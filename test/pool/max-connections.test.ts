import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../src/mock';

// FAST_LITELLM_MAX_CONNECTIONS caps the sockets per origin (read when the pools are first built;
// this file runs in its own process, so the env is set before the config is loaded).
const require = createRequire(import.meta.url);

describe('FAST_LITELLM_MAX_CONNECTIONS', () => {
  it('caps open sockets per origin: 24 calls in flight share 2 sockets', async () => {
    process.env.FAST_LITELLM_MAX_CONNECTIONS = '2';
    const { applyAcceleration, removeAcceleration, getPoolStats } = await import('../../src/index');
    const mock = await startMockServer({ latencyMs: 5 });
    try {
      applyAcceleration({ features: { connection_pooling: 'on', streaming: 'on' } });
      const litellm = require('litellm');
      const messages = [{ role: 'user', content: 'cap me' }];
      let peak = 0;
      const timer = setInterval(() => { peak = Math.max(peak, mock.stats().connectionsActive); }, 1);
      await Promise.all(Array.from({ length: 24 }, (_, i) =>
        litellm.completion(i % 2
          ? { model: 'gpt-3.5-turbo', messages, apiKey: 'k', baseUrl: `${mock.url}/v1` }
          : { model: 'ollama/llama2', messages, baseUrl: mock.url })));
      clearInterval(timer);
      const s = getPoolStats().find((x: any) => x.origin === mock.url)!;
      expect(s.requests).toBe(24);
      expect(s.connects).toBeLessThanOrEqual(2);
      expect(peak).toBeLessThanOrEqual(2);
      expect(mock.stats().connectionsOpened).toBeLessThanOrEqual(2);
      await removeAcceleration();
    } finally {
      delete process.env.FAST_LITELLM_MAX_CONNECTIONS;
      await mock.close();
    }
  });
});
