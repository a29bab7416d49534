import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, MAX_FILE_BYTES, loadConfig } from '../../src/config';
import { CallLimits } from '../../src/shims/ratelimit';

// Config files as a careless or hostile user writes them (issue 11 #13).
const dir = mkdtempSync(join(tmpdir(), 'fl-config-file-'));
function file(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const load = (p: string) => loadConfig({ FAST_LITELLM_CONFIG: p });

/** loadConfig in a child process, killed after timeoutMs: a regression that blocks cannot hang the suite. */
function loadInChild(path: string, timeoutMs = 20_000): { ok: boolean; code?: string; message?: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'load-config.ts')], {
    env: { ...process.env, NODE_OPTIONS: '', FAST_LITELLM_CONFIG: path }, encoding: 'utf8', timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  if (r.signal !== null || r.status !== 0) throw new Error(`child ${r.signal ?? `exited ${r.status}`}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('config file: model names that are Object.prototype keys', () => {
  const names = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
  it.each(names)('%s is a model name like any other', (name) => {
    const p = file(`model-${name}.json`, `{"rateLimit": {"models": {"${name}": {"rpm": 7}, "gpt-4o": {"rpm": 9}}}}`);
    const cfg = load(p);
    expect(Object.keys(cfg.rateLimit.models)).toEqual([name, 'gpt-4o']);
    expect(Object.getOwnPropertyDescriptor(cfg.rateLimit.models, name)?.value).toEqual({ rpm: 7 });
    expect(cfg.features.rate_limiting).toEqual({ mode: 'on' });
    // And the limit is enforced for that model, not dropped on the way to the limiter.
    const limits = new CallLimits(cfg.rateLimit);
    expect(limits.scopes(name, 'sk-test').map((s) => s.key)).toEqual([`model:${name}`]);
  });

  it('a model named like an Object.prototype key but not configured gets no limit', () => {
    const cfg = load(file('only-gpt.json', '{"rateLimit": {"models": {"gpt-4o": {"rpm": 9}}}}'));
    expect(cfg.rateLimit.models.constructor).toBeUndefined();
    expect(new CallLimits(cfg.rateLimit).scopes('constructor', 'k')).toEqual([]);
  });

  it('__proto__ as a top-level or section key is named as unknown', () => {
    const top = file('proto-top.json', '{"__proto__": {"disabled": true}}');
    expect(() => load(top)).toThrowError(`${top}: unknown setting "__proto__"; accepted: disabled,`);
    const rl = file('proto-rl.json', '{"rateLimit": {"__proto__": {"rpm": 1}}}');
    expect(() => load(rl)).toThrowError(`${rl}: unknown setting "rateLimit.__proto__"; accepted: rpm, tpm,`);
  });

  it('an apiKeys entry that is not a sha256 digest is refused without echoing it', () => {
    const p = file('key-proto.json', '{"rateLimit": {"apiKeys": {"__proto__": {"rpm": 1}}}}');
    expect(() => load(p)).toThrowError(`${p}.rateLimit.apiKeys: invalid key (not a sha256 hex digest)`);
  });
});

describe('config file: every unknown or dropped key is named', () => {
  it('names all unknown keys at once, with what each place accepts', () => {
    const p = file('many.json', JSON.stringify({ turbo: 1, rateLimit: { rpmm: 1, rpm: 2 }, features: { fast: 'on' } }));
    expect(() => load(p)).toThrowError(
      `${p}: unknown settings "turbo", "rateLimit.rpmm", "features.fast"; accepted: disabled, errorThreshold, logLevel,`,
    );
    expect(() => load(p)).toThrowError(/\(top level\); rpm, tpm, maxParallel, models, .* \(in rateLimit\); token_counting, .* \(in features\)$/);
  });

  it('names unknown fields of a model entry, all of them', () => {
    const p = file('model-fields.json', JSON.stringify({ rateLimit: { models: { m: { rpm: 1, rps: 2, burst: 3 } } } }));
    expect(() => load(p)).toThrowError(`${p}.rateLimit.models.m: unknown settings "rps", "burst"; accepted: rpm, tpm, maxParallel`);
  });

  it('refuses a model entry with no limit (it would limit nothing)', () => {
    const p = file('model-empty.json', JSON.stringify({ rateLimit: { models: { m: {} } } }));
    expect(() => load(p)).toThrowError(`${p}.rateLimit.models.m: invalid value an object; accepted: an object with at least one of rpm, tpm, maxParallel`);
  });

  it('a section that is not an object is named', () => {
    const p = file('section.json', JSON.stringify({ rateLimit: [1] }));
    expect(() => load(p)).toThrowError(`${p}.rateLimit: invalid value an array; accepted: an object with rpm, tpm`);
  });

  it('keeps LiteLLM proxy sections as given instead of refusing them', () => {
    const modelList = [
      { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', api_key: 'os.environ/OPENAI_API_KEY' } },
    ];
    const routerSettings = { routing_strategy: 'least-busy' };
    const p = file('proxy.json', JSON.stringify({ model_list: modelList, router_settings: routerSettings }));
    const cfg = load(p);
    expect(cfg.litellm.model_list).toEqual(modelList);
    expect(cfg.litellm.router_settings).toEqual({ routing_strategy: 'least-busy' });
    expect(cfg.source.set).toMatchObject({ 'litellm.model_list': 'file' });
  });
});

describe('config file: only a regular file under the size cap is read', () => {
  it('refuses a directory', () => {
    const d = join(dir, 'a-dir.json');
    mkdirSync(d);
    expect(() => load(d)).toThrowError(`FAST_LITELLM_CONFIG: ${d} is a directory; accepted: a regular JSON or YAML file`);
  });

  it('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(dir, 'fifo.json');
    const made = spawnSync('mkfifo', [fifo]);
    expect(made.status).toBe(0);
    expect(loadInChild(fifo)).toMatchObject({
      ok: false, code: 'FAST_LITELLM_INVALID_CONFIG',
      message: `FAST_LITELLM_CONFIG: ${fifo} is a FIFO; accepted: a regular JSON or YAML file`,
    });
  });

  it('refuses /dev/zero without reading it', () => {
    expect(loadInChild('/dev/zero', 10_000)).toMatchObject({
      ok: false, message: 'FAST_LITELLM_CONFIG: /dev/zero is a character device; accepted: a regular JSON or YAML file',
    });
  });

  it(`refuses a file over ${MAX_FILE_BYTES} bytes, and takes one at the cap`, () => {
    const big = file('big.json', `{"errorThreshold": 3}${' '.repeat(MAX_FILE_BYTES)}`);
    expect(() => load(big)).toThrowError(
      `FAST_LITELLM_CONFIG: file ${big} has ${MAX_FILE_BYTES + 21} bytes; accepted: a file of at most ${MAX_FILE_BYTES} bytes`,
    );
    const atCap = file('cap.json', `{"errorThreshold": 3}${' '.repeat(MAX_FILE_BYTES - 21)}`);
    expect(load(atCap).errorThreshold).toBe(3);
  });

  it('follows a symlink to a regular file', () => {
    const target = file('target.json', '{"errorThreshold": 4}');
    const link = join(dir, 'link.json');
    spawnSync('ln', ['-s', target, link]);
    expect(load(link).errorThreshold).toBe(4);
  });

  it('reads a file with a byte-order mark', () => {
    expect(load(file('bom.json', '\uFEFF{"errorThreshold": 6}')).errorThreshold).toBe(6);
  });

  it('an error is a ConfigError with the config code', () => {
    const err = (() => {
      try {
        load(join(dir, 'missing.json'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('FAST_LITELLM_INVALID_CONFIG');
  });
});
