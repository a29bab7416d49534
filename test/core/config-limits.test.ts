import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, withOptions } from '../../src/config';
import { LIMIT_RANGES, describeRange } from '../../src/accelerators/ratelimit/options';
import { CallLimits, hashApiKey } from '../../src/shims/ratelimit';

// Limits that pass the config must be limits the limiter enforces (issue 11 #3): before, maxParallel
// 70000 or an rpm of 2^32 passed startup, every call's limiter setup then threw, and after ten calls
// the feature turned itself off, admitting everything.
const dir = mkdtempSync(join(tmpdir(), 'fl-config-limits-'));
let n = 0;
function fileWith(data: unknown): string {
  const p = join(dir, `c${n++}.json`);
  writeFileSync(p, JSON.stringify(data));
  return p;
}

const LIMITS = [
  ['rpm', 'FAST_LITELLM_RPM'],
  ['tpm', 'FAST_LITELLM_TPM'],
  ['maxParallel', 'FAST_LITELLM_MAX_PARALLEL'],
] as const;

describe('rate limits: the config takes exactly what the limiter can enforce', () => {
  it('FAST_LITELLM_MAX_PARALLEL=70000 with FAST_LITELLM_RPM=2 stops startup', () => {
    const env = { FAST_LITELLM_MAX_PARALLEL: '70000', FAST_LITELLM_RPM: '2' };
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    expect(() => loadConfig(env)).toThrowError('FAST_LITELLM_MAX_PARALLEL: invalid value "70000"; accepted: an integer from 1 to 65535');
  });

  it.each(LIMITS)('%s: the limiter\'s maximum passes and is enforceable; one more is refused', (key, env) => {
    const { max } = LIMIT_RANGES[key];
    const accepted = describeRange(LIMIT_RANGES[key]);
    const model = 'gpt-4o';
    const hash = hashApiKey('sk-x');
    const ways: [string, () => ReturnType<typeof loadConfig>, string][] = [];
    for (const v of [max, max + 1]) {
      const fromFile = (data: unknown) => {
        const p = fileWith(data);
        return [() => loadConfig({ FAST_LITELLM_CONFIG: p }), p] as const;
      };
      const [top, topFile] = fromFile({ rateLimit: { [key]: v } });
      const [models, modelsFile] = fromFile({ rateLimit: { models: { [model]: { [key]: v } } } });
      const [keys, keysFile] = fromFile({ rateLimit: { apiKeys: { [hash]: { [key]: v } } } });
      ways.push(
        ['env', () => loadConfig({ [env]: String(v) }), `${env}: invalid value "${v}"`],
        ['file', top, `${topFile}.rateLimit.${key}: invalid value ${v}`],
        ['models', models, `${modelsFile}.rateLimit.models.${model}.${key}: invalid value ${v}`],
        ['apiKeys', keys, `${keysFile}.rateLimit.apiKeys.${hash.slice(0, 8)}….${key}: invalid value ${v}`],
        ['options', () => withOptions(loadConfig({}), { rateLimit: { [key]: v } }), `applyAcceleration: rateLimit.${key}: invalid value ${v}`],
      );
    }
    const [atMax, overMax] = [ways.slice(0, 5), ways.slice(5)];
    for (const [, load] of atMax) {
      const cfg = load();
      expect(cfg.features.rate_limiting).toEqual({ mode: 'on' });
      const limits = new CallLimits(cfg.rateLimit);
      expect(limits.active).toBe(true);
      expect(limits.scopes(model, 'sk-x').length).toBeGreaterThan(0);
    }
    for (const [, load, message] of overMax) {
      expect(load).toThrowError(ConfigError);
      expect(load).toThrowError(`${message}; accepted: ${accepted}`);
    }
  });

  it.each(['maxWaitMs', 'redisTimeoutMs'] as const)('%s: above the limiter\'s range is refused', (key) => {
    const { min, max } = LIMIT_RANGES[key];
    expect(withOptions(loadConfig({}), { rateLimit: { [key]: max } }).rateLimit[key]).toBe(max);
    expect(withOptions(loadConfig({}), { rateLimit: { [key]: min } }).rateLimit[key]).toBe(min);
    for (const v of [max + 1, min - 1]) {
      expect(() => withOptions(loadConfig({}), { rateLimit: { [key]: v } }))
        .toThrowError(`applyAcceleration: rateLimit.${key}: invalid value ${v}; accepted: ${describeRange(LIMIT_RANGES[key])}`);
    }
  });

  it('an integer past 2^53 is refused (it cannot be counted exactly)', () => {
    expect(() => loadConfig({ FAST_LITELLM_ERROR_THRESHOLD: '9007199254740993' })).toThrowError('FAST_LITELLM_ERROR_THRESHOLD: invalid value');
  });
});
