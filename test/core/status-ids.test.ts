import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyAcceleration, getPatchStatus, getPerformanceStats, removeAcceleration } from '../../src/index';
import { startMockServer, type MockServer } from '../../src/mock';
import { redirectAnthropicSdk } from '../../src/mock/redirect';


// What getPerformanceStats() counts and what getPatchStatus() lists are the same rows, by the same names.
const require = createRequire(import.meta.url);
applyAcceleration();
const litellm = require('litellm');
const messages = [{ role: 'user', content: 'count me' }];
let mock: MockServer;
let undo: () => void;

beforeAll(async () => {
  mock = await startMockServer({ replyTokens: 4 });
  undo = redirectAnthropicSdk(mock.url);
  process.env.OPENAI_BASE_URL = `${mock.url}/v1`;
});
afterAll(async () => {
  undo?.();
  await removeAcceleration();
  await mock?.close();
});

describe('stats and status name the same rows', () => {
  it('every component with stats is a row of getPatchStatus(), with the same feature', async () => {
    for (const model of ['gpt-3.5-turbo', 'ollama/llama2', 'mistral/tiny', 'deepinfra/x', 'claude-2']) {
      const baseUrl = model.startsWith('gpt') ? `${mock.url}/v1` : mock.url;
      await litellm.completion({ model, messages, apiKey: 'k', baseUrl });
      for await (const _ of await litellm.completion({ model, messages, apiKey: 'k', baseUrl, stream: true }));
    }
    for (const model of ['text-embedding-ada-002', 'ollama/x', 'mistral/embed']) {
      await litellm.embedding({ model, input: 'x', apiKey: 'k', baseUrl: mock.url });
    }
    const rows = new Map(getPatchStatus().rows.map((r) => [r.id, r]));
    const stats = getPerformanceStats();
    const counted = Object.values(stats).filter((s) => s.calls > 0);
    expect(counted.length).toBeGreaterThan(8);
    for (const s of Object.values(stats)) {
      expect(rows.has(s.component), s.component).toBe(true);
      expect(rows.get(s.component)!.feature, s.component).toBe(s.feature);
    }
    for (const id of ['openai.fetch', 'anthropic.fetch', 'openai.Stream.fromSSEResponse', 'litellm.ollama.fetch', 'litellm.mistral.fetch', 'litellm.toUsage']) {
      expect(stats[id]?.accelerated, id).toBeGreaterThan(0);
    }
  });
});
