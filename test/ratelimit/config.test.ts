import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

// Invalid limits stop startup with a message naming the setting (parsed in src/config.ts).
describe('rate limit settings', () => {
  it.each([
    ['FAST_LITELLM_RPM', '-5', 'FAST_LITELLM_RPM: invalid value "-5"; accepted: an integer from 1 to 4294967295'],
    ['FAST_LITELLM_RPM', 'NaN', 'FAST_LITELLM_RPM: invalid value "NaN"; accepted: an integer from 1 to 4294967295'],
    // Issue 11 #3: what the limiter cannot enforce stops startup here (the same LIMIT_RANGES table).
    ['FAST_LITELLM_RPM', '4294967296', 'FAST_LITELLM_RPM: invalid value "4294967296"; accepted: an integer from 1 to 4294967295'],
    ['FAST_LITELLM_TPM', 'lots', 'FAST_LITELLM_TPM: invalid value "lots"; accepted: an integer from 1 to 4294967295'],
    ['FAST_LITELLM_MAX_PARALLEL', '2.5', 'FAST_LITELLM_MAX_PARALLEL: invalid value "2.5"; accepted: an integer from 1 to 65535'],
    ['FAST_LITELLM_MAX_PARALLEL', '70000', 'FAST_LITELLM_MAX_PARALLEL: invalid value "70000"; accepted: an integer from 1 to 65535'],
    ['FAST_LITELLM_ON_LIMIT', 'retry', 'FAST_LITELLM_ON_LIMIT: invalid value "retry"; accepted: error, wait'],
    ['FAST_LITELLM_RATE_LIMIT_ALGORITHM', 'fixed', 'FAST_LITELLM_RATE_LIMIT_ALGORITHM: invalid value "fixed"; accepted: sliding-window, token-bucket'],
  ])('%s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new ConfigError(message));
  });

  it('names the model and the field in the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-rl-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ rateLimit: { models: { 'gpt-4o': { rpm: 'sixty' } } } }));
    expect(() => loadConfig({ FAST_LITELLM_CONFIG: file })).toThrow(`${file}.rateLimit.models.gpt-4o.rpm: invalid value "sixty"`);
    writeFileSync(file, JSON.stringify({ rateLimit: { apiKeys: { 'sk-plain-key': { rpm: 1 } } } }));
    expect(() => loadConfig({ FAST_LITELLM_CONFIG: file })).toThrow(/sha256 hex digest of the API key/);
  });

  it('limits turn the feature on; none leaves it off', () => {
    expect(loadConfig({}).features.rate_limiting.mode).toBe('off');
    expect(loadConfig({ FAST_LITELLM_MAX_PARALLEL: '4' }).features.rate_limiting.mode).toBe('on');
  });
});
