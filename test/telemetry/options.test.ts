import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { applyAcceleration, getFeatureStatus, removeAcceleration } from '../../src/index';
import { ConfigError, getConfig, loadConfig, setConfig } from '../../src/config';
import { freshRegistry, scrape, total } from './helpers';

// applyAcceleration(options) takes the config file's other settings too (telemetry, rateLimit, pool,
// ...), checked by the same table as the file and the environment.

const require = createRequire(__filename);
let mock: MockServer;
let litellm: any;
const messages = [{ role: 'user', content: 'options' }];

beforeAll(async () => {
  mock = await startMockServer({ replyTokens: 3 });
  setConfig(loadConfig({}));
  litellm = require('litellm');
});
afterAll(async () => {
  await removeAcceleration();
  await mock?.close();
});

const call = (model = 'gpt-4o-mini'): Promise<any> =>
  litellm.completion({ model, baseUrl: `${mock.url}/v1`, apiKey: 'sk-o', messages });

describe('applyAcceleration(options) with file-level settings', () => {
  it('{ telemetry: { metrics: true } } turns the metrics on, as FAST_LITELLM_METRICS=1 does', async () => {
    applyAcceleration({ telemetry: { metrics: true } });
    expect(getConfig().telemetry.metrics).toBe(true);
    expect(getFeatureStatus().telemetry.effective).toBe('on');
    const registry = freshRegistry();
    await call();
    const { samples } = await scrape(registry);
    expect(total(samples, 'litellm_output_tokens_metric_total', { model: 'gpt-4o-mini' })).toBe(3);
  });

  it('{ rateLimit } sets limits (and turns rate limiting on); a later call changing something else keeps its window',
    async () => {
      applyAcceleration({ rateLimit: { models: { 'gpt-4o': { rpm: 2 } } } });
      expect(getFeatureStatus().rate_limiting.effective).toBe('on');
      const section = getConfig().rateLimit;
      await call('gpt-4o');
      applyAcceleration({ pool: { maxConnections: 32 } });
      expect(getConfig().pool.maxConnections).toBe(32);
      expect(getConfig().rateLimit).toBe(section);
      await call('gpt-4o');
      const err = await call('gpt-4o').catch((e: unknown) => e);
      expect((err as Error).name).toBe('RateLimitError');
    });

  it('a bad value or an unknown key is a ConfigError naming it; nothing is applied', () => {
    const before = getConfig();
    expect(() => applyAcceleration({ telemetry: { metrics: 'maybe' as never } }))
      .toThrow(/applyAcceleration: telemetry\.metrics: invalid value/);
    expect(() => applyAcceleration({ telemetry: { metric: true } as never })).toThrow(ConfigError);
    expect(() => applyAcceleration({ telemetry: { metric: true } as never })).toThrow(/telemetry\.metric\b/);
    expect(() => applyAcceleration({ pool: { maxConnections: -1 } })).toThrow(/applyAcceleration: pool\.maxConnections/);
    expect(() => applyAcceleration(null as never)).toThrow(ConfigError);
    expect(getConfig()).toBe(before);
  });

  it('esm is not a setting: it is taken apart, the rest is checked', () => {
    expect(() => applyAcceleration({ esm: false, errorThreshold: 5 })).not.toThrow();
    expect(getConfig().errorThreshold).toBe(5);
  });
});
