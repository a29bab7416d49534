import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, ConfigError, SETTINGS, loadConfig, withOptions, type ConfigOptions } from '../../src/config';
import { DEFAULTS as LIMITER } from '../../src/accelerators/ratelimit/options';
import { POOL_DEFAULTS } from '../../src/accelerators/pool/dispatchers';
import { TOKEN_CACHE_DEFAULTS } from '../../src/accelerators/tokens/memo';

const dir = mkdtempSync(join(tmpdir(), 'fl-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('config', () => {
  it('has defaults with rate limiting off until limits exist', () => {
    const c = loadConfig({});
    expect(c.features.token_counting).toEqual({ mode: 'on' });
    expect(c.features.rate_limiting).toEqual({ mode: 'off' });
    expect(c.errorThreshold).toBe(10);
    expect(loadConfig({ FAST_LITELLM_RPM: '60' }).features.rate_limiting).toEqual({ mode: 'on' });
  });

  it('parses every feature mode', () => {
    const c = loadConfig({
      FAST_LITELLM_TOKEN_COUNTING: 'shadow',
      FAST_LITELLM_CONNECTION_POOLING: 'rollout:25',
      FAST_LITELLM_STREAMING: 'off',
      FAST_LITELLM_RATE_LIMITING: 'on',
    });
    expect(c.features.token_counting).toEqual({ mode: 'shadow' });
    expect(c.features.connection_pooling).toEqual({ mode: 'rollout', percent: 25 });
    expect(c.features.streaming).toEqual({ mode: 'off' });
    expect(c.features.rate_limiting).toEqual({ mode: 'on' });
  });

  it('FAST_LITELLM_DISABLE=1 turns everything off', () => {
    const c = loadConfig({ FAST_LITELLM_DISABLE: '1', FAST_LITELLM_TOKEN_COUNTING: 'on', FAST_LITELLM_RPM: '5' });
    expect(c.disabled).toBe(true);
    expect(Object.values(c.features).every((f) => f.mode === 'off')).toBe(true);
  });

  it.each([
    ['FAST_LITELLM_TOKEN_COUNTING', 'fast', /FAST_LITELLM_TOKEN_COUNTING: invalid value "fast"; accepted: on, off, shadow or rollout:N/],
    ['FAST_LITELLM_STREAMING', 'rollout:101', /FAST_LITELLM_STREAMING: invalid value "rollout:101"/],
    ['FAST_LITELLM_RATE_LIMITING', 'rollout:-1', /FAST_LITELLM_RATE_LIMITING: invalid value "rollout:-1"/],
    ['FAST_LITELLM_ERROR_THRESHOLD', '0', /FAST_LITELLM_ERROR_THRESHOLD: invalid value "0"; accepted: an integer >= 1/],
    ['FAST_LITELLM_RPM', '-5', /FAST_LITELLM_RPM: invalid value "-5"; accepted: an integer from 1 to 4294967295/],
    ['FAST_LITELLM_TPM', 'NaN', /FAST_LITELLM_TPM: invalid value "NaN"/],
    ['FAST_LITELLM_MAX_PARALLEL', '1.5', /FAST_LITELLM_MAX_PARALLEL: invalid value "1.5"; accepted: an integer/],
    ['FAST_LITELLM_MAX_CONNECTIONS', 'lots', /FAST_LITELLM_MAX_CONNECTIONS: invalid value "lots"; accepted: an integer from 0 to 65536/],
    ['FAST_LITELLM_DISABLE', 'yes', /FAST_LITELLM_DISABLE: invalid value "yes"; accepted: 1, 0, true, false/],
    ['FAST_LITELLM_LOG_LEVEL', 'loud', /FAST_LITELLM_LOG_LEVEL: invalid value "loud"; accepted: silent, warn, info, debug/],
    ['FAST_LITELLM_ON_LIMIT', 'drop', /FAST_LITELLM_ON_LIMIT: invalid value "drop"; accepted: error, wait/],
    ['FAST_LITELLM_REDIS_URL', 'http://x', /FAST_LITELLM_REDIS_URL: invalid protocol "http:"/],
  ])('%s=%s is rejected with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrowError(message);
  });

  it('never echoes a Redis URL (it may hold a password)', () => {
    const err = (() => {
      try {
        loadConfig({ FAST_LITELLM_REDIS_URL: 'http://user:s3cret@host' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).not.toContain('s3cret');
  });

  it('reads a JSON file from any path; env wins over the file', () => {
    const p = file('ok.json', JSON.stringify({ features: { streaming: 'shadow', token_counting: 'off' }, errorThreshold: 3, rateLimit: { rpm: 100, models: { 'gpt-4o': { tpm: 1000 } } } }));
    const c = loadConfig({ FAST_LITELLM_CONFIG: p, FAST_LITELLM_TOKEN_COUNTING: 'on' });
    expect(c.features.streaming).toEqual({ mode: 'shadow' });
    expect(c.features.token_counting).toEqual({ mode: 'on' });
    expect(c.errorThreshold).toBe(3);
    expect(c.rateLimit.rpm).toBe(100);
    expect(c.rateLimit.models['gpt-4o']).toEqual({ tpm: 1000 });
    expect(c.features.rate_limiting).toEqual({ mode: 'on' });
    expect(c.source.file).toBe(p);
  });

  it('a file that names rate_limiting off keeps it off even with limits', () => {
    const p = file('rl-off.json', JSON.stringify({ features: { rate_limiting: 'off' }, rateLimit: { rpm: 5 } }));
    expect(loadConfig({ FAST_LITELLM_CONFIG: p }).features.rate_limiting).toEqual({ mode: 'off' });
  });

  it('names the file on unreadable, invalid or wrongly shaped config', () => {
    const missing = join(dir, 'missing.json');
    expect(() => loadConfig({ FAST_LITELLM_CONFIG: missing })).toThrowError(`FAST_LITELLM_CONFIG: cannot read file ${missing} (ENOENT)`);
    const bad = file('bad.json', '{ nope');
    expect(() => loadConfig({ FAST_LITELLM_CONFIG: bad })).toThrowError(new RegExp(`FAST_LITELLM_CONFIG: file ${bad} is not valid JSON`));
    const arr = file('arr.json', '[]');
    expect(() => loadConfig({ FAST_LITELLM_CONFIG: arr })).toThrowError(`file ${arr} must hold a JSON object, got an array`);
    const unknown = file('unknown.json', '{"turbo": true}');
    expect(() => loadConfig({ FAST_LITELLM_CONFIG: unknown })).toThrowError(`${unknown}: unknown setting "turbo"`);
    const badMode = file('mode.json', '{"features": {"streaming": "fast"}}');
    expect(() => loadConfig({ FAST_LITELLM_CONFIG: badMode })).toThrowError(`${badMode}.features.streaming: invalid value "fast"`);
    const badLimit = file('limit.json', '{"rateLimit": {"models": {"gpt-4o": {"rpm": -1}}}}');
    expect(() => loadConfig({ FAST_LITELLM_CONFIG: badLimit })).toThrowError(`${badLimit}.rateLimit.models.gpt-4o.rpm: invalid value -1`);
    const rawKey = file('rawkey.json', '{"rateLimit": {"apiKeys": {"sk-live-123": {"rpm": 1}}}}');
    expect(() => loadConfig({ FAST_LITELLM_CONFIG: rawKey })).toThrowError(/sha256 hex digest of the API key/);
  });

  it('takes every rate-limit, pool and token default from the module that uses it', () => {
    expect(DEFAULTS.rateLimit).toMatchObject({
      keyPrefix: LIMITER.keyPrefix, maxWaitMs: LIMITER.maxWaitMs, redisTimeoutMs: LIMITER.redisTimeoutMs,
      failMode: LIMITER.failMode, algorithm: LIMITER.algorithm, keyLayout: LIMITER.keyLayout,
    });
    expect(DEFAULTS.pool).toEqual({
      maxConnections: POOL_DEFAULTS.connections, keepAliveTimeoutMs: POOL_DEFAULTS.keepAliveTimeout,
    });
    expect(DEFAULTS.tokens.cacheBytes).toBe(TOKEN_CACHE_DEFAULTS.maxBytes);
    expect(loadConfig({}).rateLimit.keyPrefix).toBe(LIMITER.keyPrefix);
    expect(Object.isFrozen(DEFAULTS.rateLimit)).toBe(true);
  });

  it('keyPrefix: none with the litellm-proxy layout unless one is given', () => {
    const proxy = file('proxy.json', JSON.stringify({ rateLimit: { keyLayout: 'litellm-proxy' } }));
    expect(loadConfig({ FAST_LITELLM_CONFIG: proxy }).rateLimit.keyPrefix).toBe('');
    const own = file('proxy-prefix.json', JSON.stringify({ rateLimit: { keyLayout: 'litellm-proxy', keyPrefix: 'x:' } }));
    expect(loadConfig({ FAST_LITELLM_CONFIG: own }).rateLimit.keyPrefix).toBe('x:');
  });

  // Every environment variable of the table is read and checked (not just the ones listed above).
  it.each(SETTINGS.filter((s) => s.env !== undefined && s.env !== 'FAST_LITELLM_CONFIG').map((s) => [s.env!, s.path]))(
    '%s (%s) refuses a value it cannot take, naming itself',
    (env) => {
      expect(() => loadConfig({ [env]: 'no such value' })).toThrowError(new RegExp(`^${env}: invalid `));
    },
  );

  // Every file key of the table is read and checked, through the same walk as applyAcceleration options.
  const fileRows = SETTINGS.filter((s) => s.key !== null && !s.path.startsWith('litellm.'));
  it.each(fileRows.map((s) => [s.key ?? s.path]))('file key %s refuses an array, naming itself', (key) => {
    const options = key.split('.').reduceRight<unknown>((v, k) => ({ [k]: v }), []) as Record<string, unknown>;
    expect(() => withOptions(loadConfig({}), options)).toThrowError(`applyAcceleration: ${key}: invalid value an array`);
    const p = file(`array-${key}.json`, JSON.stringify(options));
    expect(() => loadConfig({ FAST_LITELLM_CONFIG: p })).toThrowError(`${p}.${key}: invalid value an array`);
  });

  it('records where each setting came from', () => {
    const p = file('origins.json', JSON.stringify({ errorThreshold: 3, logLevel: 'debug' }));
    const c = loadConfig({ FAST_LITELLM_CONFIG: p, FAST_LITELLM_LOG_LEVEL: 'silent' });
    expect(c.source).toEqual({
      file: p, format: 'json', set: { 'source.file': 'env', errorThreshold: 'file', logLevel: 'env' },
    });
    expect(c.logLevel).toBe('silent');
  });
});

describe('withOptions (applyAcceleration options)', () => {
  it('applies features and errorThreshold to a copy, leaving the input alone', () => {
    const base = loadConfig({});
    const before = structuredClone(base);
    const c = withOptions(base, { features: { streaming: 'off', token_counting: 'rollout:5' }, errorThreshold: 2 });
    expect(c.features.streaming).toEqual({ mode: 'off' });
    expect(c.features.token_counting).toEqual({ mode: 'rollout', percent: 5 });
    expect(c.errorThreshold).toBe(2);
    expect(c.source.set).toMatchObject({ 'features.streaming': 'options', errorThreshold: 'options' });
    expect(base).toEqual(before);
  });

  it('skips undefined values (an options object with optional fields)', () => {
    expect(withOptions(loadConfig({}), { features: undefined, errorThreshold: undefined }).errorThreshold).toBe(10);
  });

  it.each([
    [{ features: { turbo: 'on' } }, 'applyAcceleration: unknown setting "features.turbo"; accepted: token_counting, rate_limiting'],
    [{ features: { streaming: 'fast' } }, 'applyAcceleration: features.streaming: invalid value "fast"; accepted: on, off, shadow'],
    [{ errorThreshold: 0 }, 'applyAcceleration: errorThreshold: invalid value 0; accepted: an integer >= 1'],
    [{ errorThreshold: 1.5 }, 'applyAcceleration: errorThreshold: invalid value 1.5'],
    [{ features: 'on' }, 'applyAcceleration: features: invalid value "on"; accepted: an object with token_counting'],
    [{ rateLimit: { maxParallel: 70_000 } }, 'applyAcceleration: rateLimit.maxParallel: invalid value 70000; accepted: an integer from 1 to 65535'],
  ] as [unknown, string][])('refuses %j', (options, message) => {
    // Options come from JavaScript callers too: whatever their type says, the table checks them.
    expect(() => withOptions(loadConfig({}), options as ConfigOptions)).toThrowError(ConfigError);
    expect(() => withOptions(loadConfig({}), options as ConfigOptions)).toThrowError(message);
  });

  it('limits given in code turn rate limiting on, unless its mode is given too', () => {
    expect(withOptions(loadConfig({}), { rateLimit: { rpm: 5 } }).features.rate_limiting).toEqual({ mode: 'on' });
    const off = withOptions(loadConfig({}), { rateLimit: { rpm: 5 }, features: { rate_limiting: 'off' } });
    expect(off.features.rate_limiting).toEqual({ mode: 'off' });
    const named = withOptions(loadConfig({ FAST_LITELLM_RATE_LIMITING: 'off' }), { rateLimit: { rpm: 5 } });
    expect(named.features.rate_limiting).toEqual({ mode: 'off' });
  });

  it('FAST_LITELLM_DISABLE wins over features turned on in code', () => {
    const c = withOptions(loadConfig({ FAST_LITELLM_DISABLE: 'true' }), { features: { streaming: 'on' } });
    expect(c.features.streaming).toEqual({ mode: 'off' });
  });
});

