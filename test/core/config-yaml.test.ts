import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

// The config file in the YAML of a LiteLLM proxy config.yaml: our settings beside the proxy's sections.
const dir = mkdtempSync(join(tmpdir(), 'fl-config-yaml-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const load = (p: string) => loadConfig({ FAST_LITELLM_CONFIG: p });

const PROXY_CONFIG = `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/OPENAI_API_KEY
      rpm: 480
  - model_name: gpt-4o
    litellm_params: { model: azure/gpt-4o-eu, api_base: https://eu.example }
router_settings:
  routing_strategy: usage-based-routing-v2
  num_retries: 2
litellm_settings:
  drop_params: true
general_settings:
  master_key: os.environ/MASTER_KEY
environment_variables:
  REDIS_HOST: localhost
include:
  - more-models.yaml
features:
  connection_pooling: rollout:25
errorThreshold: 5
rateLimit:
  rpm: 600
  models:
    gpt-4o: { tpm: 90000 }
`;

describe('YAML config file', () => {
  it('reads our settings and keeps every LiteLLM proxy section as given', () => {
    const cfg = load(file('config.yaml', PROXY_CONFIG));
    expect(cfg.source.format).toBe('yaml');
    expect(cfg.features.connection_pooling).toEqual({ mode: 'rollout', percent: 25 });
    expect(cfg.errorThreshold).toBe(5);
    expect(cfg.rateLimit.rpm).toBe(600);
    expect(cfg.rateLimit.models['gpt-4o']).toEqual({ tpm: 90000 });
    expect(cfg.litellm.model_list).toEqual([
      { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', api_key: 'os.environ/OPENAI_API_KEY', rpm: 480 } },
      { model_name: 'gpt-4o', litellm_params: { model: 'azure/gpt-4o-eu', api_base: 'https://eu.example' } },
    ]);
    // os.environ/NAME references are left for their consumer to resolve.
    expect(cfg.litellm.general_settings).toEqual({ master_key: 'os.environ/MASTER_KEY' });
    expect(cfg.litellm.router_settings).toEqual({ routing_strategy: 'usage-based-routing-v2', num_retries: 2 });
    expect(cfg.litellm.litellm_settings).toEqual({ drop_params: true });
    expect(cfg.litellm.environment_variables).toEqual({ REDIS_HOST: 'localhost' });
    expect(cfg.litellm.include).toEqual(['more-models.yaml']);
  });

  it('the README example reads as it says', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Public API'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const json = /```json\n([\s\S]*?)```/.exec(section)![1];
    const a = load(file('readme.yaml', yaml));
    const b = load(file('readme.json', json));
    expect(a.features).toEqual(b.features);
    expect(a.errorThreshold).toBe(b.errorThreshold);
    expect(a.rateLimit).toEqual(b.rateLimit);
    expect(a.litellm.model_list).toHaveLength(1);
  });

  it.each(['c.yml', 'c.YAML'])('%s is YAML too', (name) => {
    expect(load(file(name, 'errorThreshold: 7\n')).errorThreshold).toBe(7);
  });

  it('an extension other than .yaml/.yml is JSON', () => {
    const p = file('c.conf', 'errorThreshold: 7\n');
    expect(() => load(p)).toThrowError(`FAST_LITELLM_CONFIG: file ${p} is not valid JSON`);
  });

  it('names the file and the line of a YAML syntax error', () => {
    const p = file('bad.yaml', 'features:\n  streaming: [on\n');
    expect(() => load(p)).toThrowError(new RegExp(`^FAST_LITELLM_CONFIG: file ${p} is not valid YAML \\(.*line \\d+`));
  });

  it('refuses a duplicate key (one of the two would be dropped)', () => {
    const p = file('dup.yaml', 'errorThreshold: 3\nerrorThreshold: 4\n');
    expect(() => load(p)).toThrowError(/is not valid YAML \(Map keys must be unique/);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const p = file('bomb.yaml', `${lines.join('\n')}\n`);
    expect(() => load(p)).toThrowError(/is not valid YAML \(.*(alias|Alias)/);
  });

  it('names our unknown keys in YAML as in JSON', () => {
    const p = file('unknown.yaml', 'model_list: []\nturbo: true\nrateLimit:\n  rpmm: 1\n');
    expect(() => load(p)).toThrowError(`${p}: unknown settings "turbo", "rateLimit.rpmm"`);
  });

  it('a YAML null is an invalid value, not a silent default', () => {
    const p = file('null.yaml', 'errorThreshold:\n');
    expect(() => load(p)).toThrowError(`${p}.errorThreshold: invalid value null; accepted: an integer >= 1`);
  });

  it('an empty YAML file is refused', () => {
    const p = file('empty.yaml', '# nothing\n');
    expect(() => load(p)).toThrowError(`FAST_LITELLM_CONFIG: file ${p} must hold a YAML mapping, got null`);
  });

  it('__proto__ in YAML is a model name too', () => {
    const cfg = load(file('proto.yaml', 'rateLimit:\n  models:\n    __proto__: { rpm: 3 }\n'));
    expect(Object.keys(cfg.rateLimit.models)).toEqual(['__proto__']);
  });
});
