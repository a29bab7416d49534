import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { applyAcceleration, removeAcceleration } from '../../src/index';
import { loadConfig, setConfig } from '../../src/config';
import { RateLimitError } from '../../src/accelerators/ratelimit';
import { closeLimits } from '../../src/shims/ratelimit';
import { startRedis, type RedisServer } from './redis-server';

// Real litellm 0.12 over loopback HTTP to the embedded mock, with limits from the config.
const require = createRequire(__filename);
const litellm = require('litellm');
const messages = [{ role: 'user', content: 'Say something about rate limits' }];

let mock: MockServer;
let redis: RedisServer;
let served = 0;

function limits(env: Record<string, string>, file?: object): void {
  let cfg = loadConfig(env);
  if (file) cfg = { ...cfg, rateLimit: { ...cfg.rateLimit, ...file } };
  setConfig(cfg);
  applyAcceleration({ features: { rate_limiting: 'on' } });
}

const call = (extra: object = {}): Promise<any> =>
  litellm.completion({ model: 'gpt-3.5-turbo', baseUrl: mock.url + '/v1', apiKey: 'sk-one', messages, ...extra });

beforeAll(async () => {
  mock = await startMockServer({ replyTokens: 12, onRequest: () => served++ });
  redis = await startRedis();
});
afterAll(async () => {
  await closeLimits();
  await removeAcceleration();
  await mock?.close();
  await redis?.stop();
});

describe('rate limiting wired into litellm.completion / embedding', () => {
  it('FAST_LITELLM_RPM: the call past the limit throws a 429 RateLimitError and never reaches the server', async () => {
    limits({ FAST_LITELLM_RPM: '3' });
    for (let i = 0; i < 3; i++) expect((await call()).choices[0].message.role).toBe('assistant');
    const before = served;
    const err = await call().catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'FAST_LITELLM_RATE_LIMITED', limitType: 'requests', scope: 'model_per_key' });
    expect(err.headers['x-ratelimit-limit-requests']).toBe('3');
    expect(err.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(Number(err.headers['retry-after'])).toBeGreaterThan(0);
    expect(served).toBe(before);
    // Another API key (another provider account) has its own count.
    expect((await call({ apiKey: 'sk-two' })).choices).toHaveLength(1);
  });

  it('per-model limits from the config file apply across keys', async () => {
    limits({}, { models: { 'gpt-3.5-turbo': { rpm: 2 } } });
    await call({ apiKey: 'a' });
    await call({ apiKey: 'b' });
    const err = await call({ apiKey: 'c' }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.scope).toBe('model');
    // Other models are not limited by it.
    await expect(litellm.embedding({ model: 'mistral/mistral-embed', baseUrl: mock.url, apiKey: 'a', input: 'x' })).resolves.toBeTruthy();
  });

  it('per-api-key limits are keyed by the sha256 of the key', async () => {
    const h = createHash('sha256').update('sk-limited').digest('hex');
    limits({}, { apiKeys: { [h]: { rpm: 1 } } });
    await call({ apiKey: 'sk-limited' });
    expect((await call({ apiKey: 'sk-limited' }).catch((e) => e)).scope).toBe('api_key');
    await call({ apiKey: 'sk-free' });
  });

  it('tpm reserves prompt + max_tokens and reconciles with the reported usage', async () => {
    // The mock reports prompt 9 + completion tokens; a reservation of 9 + 500 fits once in 600.
    limits({ FAST_LITELLM_TPM: '600' });
    const r = await call({ max_tokens: 500 });
    expect(r.usage.total_tokens).toBeLessThan(100);
    // Reconciled down to the real usage: a second big reservation fits again.
    await call({ max_tokens: 500 });
    // Now ~2 x usage counted: a reservation of 9 + 590 does not fit.
    const err = await call({ max_tokens: 590 }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.limitType).toBe('tokens');
  });

  it('embedding is limited too', async () => {
    limits({ FAST_LITELLM_RPM: '1' });
    const emb = (): Promise<any> => litellm.embedding({ model: 'mistral/mistral-embed', baseUrl: mock.url, apiKey: 'k', input: 'hello' });
    expect((await emb()).data).toHaveLength(1);
    expect(await emb().catch((e) => e)).toBeInstanceOf(RateLimitError);
  });

  it('a stream holds its parallel slot until it ends, is returned from, or throws', async () => {
    limits({ FAST_LITELLM_MAX_PARALLEL: '1' });
    const s1 = await call({ stream: true });
    const busy = await call().catch((e) => e);
    expect(busy).toBeInstanceOf(RateLimitError);
    expect(busy.limitType).toBe('max_parallel_requests');
    let text = '';
    for await (const c of s1) text += c.choices[0]?.delta?.content ?? '';
    expect(text.split(' ')).toHaveLength(12);
    await call(); // freed at the end of the stream

    const s2 = await call({ stream: true });
    for await (const _ of s2) break; // left early: return() frees the slot
    await call();
  });

  it("onLimit 'wait' waits for the slot instead of throwing", async () => {
    limits({ FAST_LITELLM_MAX_PARALLEL: '1', FAST_LITELLM_ON_LIMIT: 'wait' });
    const s1 = await call({ stream: true });
    const second = call();
    setTimeout(async () => {
      for await (const _ of s1) { /* drain */ }
    }, 20);
    expect((await second).choices).toHaveLength(1);
  });

  it('shares limits through Redis in LiteLLM proxy key layout, storing only the key hash', async () => {
    limits({ FAST_LITELLM_RPM: '2', FAST_LITELLM_REDIS_URL: redis.url }, { keyLayout: 'litellm-proxy' });
    await call({ apiKey: 'sk-secret-value' });
    await call({ apiKey: 'sk-secret-value' });
    expect(await call({ apiKey: 'sk-secret-value' }).catch((e) => e)).toBeInstanceOf(RateLimitError);
    const Redis = require('ioredis');
    const c = new Redis(redis.url);
    const keys: string[] = await c.keys('*');
    await c.quit();
    const h = createHash('sha256').update('sk-secret-value').digest('hex');
    expect(keys).toContain(`{model_per_key:${h}:gpt-3.5-turbo}:requests`);
    expect(keys.some((k) => k.includes('sk-secret'))).toBe(false);
  });

  it('with rate_limiting off, no limit applies', async () => {
    setConfig(loadConfig({ FAST_LITELLM_RPM: '1' }));
    applyAcceleration({ features: { rate_limiting: 'off' } });
    for (let i = 0; i < 3; i++) await call();
  });
});
