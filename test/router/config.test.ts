// Router config: a LiteLLM proxy config.yaml (or JSON) named by FAST_LITELLM_CONFIG, read by the
// settings table, turned into routers; every bad value named on its own line at load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deploymentId, parseRouterConfig } from '../../src/accelerators/router';
import { loadConfig, setConfig } from '../../src/config';
import { ConfigError, InvalidArgumentError } from '../../src/errors';
import { Router } from '../../src/index';
import { closeRouter, processRouter } from '../../src/shims/router';

const dir = mkdtempSync(join(tmpdir(), 'fl-router-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await closeRouter();
  setConfig(loadConfig({}));
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const YAML = `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/ROUTER_TEST_KEY
      api_base: http://127.0.0.1:1/v1
      rpm: 480
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: os.environ/EU_BASE }
    model_info: { id: eu }
router_settings:
  routing_strategy: usage-based-routing-v2
  fallbacks: [{ gpt-4o: [cheap] }]
litellm_settings:
  num_retries: 4
  drop_params: true
environment_variables:
  EU_BASE: http://127.0.0.1:2/v1
include:
  - more.yaml
`;

describe('config file', () => {
  it('YAML: model_list (with include), router_settings, litellm_settings, environment_variables, os.environ/NAME', () => {
    file('more.yaml', 'model_list:\n  - model_name: cheap\n    litellm_params: { model: openai/gpt-4o-mini }\n');
    const cfg = loadConfig({ FAST_LITELLM_CONFIG: file('proxy.yaml', YAML), ROUTER_TEST_KEY: 'sk-secret-1' });
    expect(cfg.features.router).toEqual({ mode: 'on' });
    setConfig(cfg);
    const prev = process.env.ROUTER_TEST_KEY;
    process.env.ROUTER_TEST_KEY = 'sk-secret-1';
    try {
      const core = processRouter()!;
      expect(core.groupNames()).toEqual(['gpt-4o', 'cheap']);
      expect(core.settings.routing_strategy).toBe('usage-based-routing-v2');
      expect(core.settings.num_retries).toBe(4);
      const [first, eu] = core.modelList();
      // The id LiteLLM gives the first: its litellm_params with os.environ/ resolved, in file order.
      expect((first.model_info as { id: string }).id).toBe(deploymentId('gpt-4o',
        { model: 'openai/gpt-4o', api_key: 'sk-secret-1', api_base: 'http://127.0.0.1:1/v1', rpm: 480 }));
      expect((first.litellm_params as { api_key: string }).api_key).toBe('sk**********');
      expect(eu.litellm_params).toMatchObject({ api_base: 'http://127.0.0.1:2/v1' });
      expect(JSON.stringify(core.modelList())).not.toContain('sk-secret-1');
    } finally {
      if (prev === undefined) delete process.env.ROUTER_TEST_KEY;
      else process.env.ROUTER_TEST_KEY = prev;
    }
  });

  it('JSON reads the same', () => {
    const json = { model_list: [{ model_name: 'g', litellm_params: { model: 'gpt-4o', rpm: 10 } }], router_settings: { routing_strategy: 'least-busy' } };
    setConfig(loadConfig({ FAST_LITELLM_CONFIG: file('proxy.json', JSON.stringify(json)) }));
    const core = processRouter()!;
    expect(core.settings.routing_strategy).toBe('least-busy');
    expect(core.pick('g').rpm).toBe(10);
  });

  it('bad values: each named on its own line, all in one error at load', () => {
    const bad = `
model_list:
  - model_name: a
    litellm_params: { api_key: x }
  - model_name: b
    litellm_params: { model: m, rpm: -5 }
router_settings:
  routing_strategy: fastest-please
`;
    const p = file('bad.yaml', bad);
    let err: unknown;
    try {
      loadConfig({ FAST_LITELLM_CONFIG: p });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const lines = (err as Error).message.split('\n');
    expect(lines).toContain(`${p}.model_list[0].litellm_params.model: invalid value undefined; accepted: a non-empty string (the provider model)`);
    expect(lines).toContain(`${p}.model_list[1].litellm_params.rpm: invalid value -5; accepted: an integer >= 0`);
    expect(err).toBeInstanceOf(ConfigError);
    let settingsErr: unknown;
    try {
      loadConfig({ FAST_LITELLM_CONFIG: file('bad2.yaml', bad.split('router_settings')[0].replace('{ api_key: x }', '{ model: m }')
        .replace('rpm: -5', 'rpm: 5') + 'router_settings:\n  routing_strategy: fastest-please\n  num_retries: -1\n') });
    } catch (e) {
      settingsErr = e;
    }
    const s = (settingsErr as Error).message;
    expect(s).toContain('router_settings.routing_strategy: invalid value "fastest-please"; accepted: simple-shuffle, least-busy, '
      + 'usage-based-routing-v2, latency-based-routing, cost-based-routing');
    expect(s).toContain('router_settings.num_retries: invalid value -1; accepted: an integer >= 0');
  });

  it('the router feature is off without a model_list, and FAST_LITELLM_ROUTER wins', () => {
    expect(loadConfig({}).features.router).toEqual({ mode: 'off' });
    const p = file('on.json', JSON.stringify({ model_list: [{ model_name: 'g', litellm_params: { model: 'gpt-4o' } }] }));
    expect(loadConfig({ FAST_LITELLM_CONFIG: p }).features.router).toEqual({ mode: 'on' });
    expect(loadConfig({ FAST_LITELLM_CONFIG: p, FAST_LITELLM_ROUTER: 'off' }).features.router).toEqual({ mode: 'off' });
  });

  it('parser: LiteLLM defaults, `cooldown_time or 5`, default_fallbacks as `*`, v1 usage routing read as v2', () => {
    const c = parseRouterConfig({ model_list: [], router_settings: { cooldown_time: 0, default_fallbacks: ['z'], routing_strategy: 'usage-based-routing' } });
    expect(c.settings).toMatchObject({ num_retries: 2, max_fallbacks: 5, cooldown_time: 5, fallbacks: [{ '*': ['z'] }],
      routing_strategy: 'usage-based-routing-v2' });
    let msg = '';
    try {
      parseRouterConfig({ router_settings: { routing_strategy: 'x', surprise: 1, fallbacks: [{ a: 'b', c: 'd' }] } });
    } catch (e) {
      msg = (e as Error).message;
    }
    const lines = msg.split('\n');
    expect(lines[0]).toBe('router config: 3 problems');
    expect(lines).toContain('router_settings.routing_strategy: invalid value "x"; accepted: simple-shuffle, least-busy, '
      + 'usage-based-routing-v2, latency-based-routing, cost-based-routing');
    expect(lines).toContain('router_settings.fallbacks[0]: invalid value an object; accepted: an object with exactly one key, '
      + '{ <model group>: [<fallback groups>] }');
    expect(lines.some((l) => l.startsWith('router_settings.surprise: unknown setting; accepted: num_retries'))).toBe(true);
  });
});

describe('Router class options', () => {
  it('camelCase options, checked: errors name the option as given', () => {
    expect(() => new Router({ modelList: [{ model_name: 'g', litellm_params: { model: 'm' } }], routingStrategy: 'nope' as never }))
      .toThrow(new InvalidArgumentError('Router: routingStrategy: invalid value "nope"; accepted: simple-shuffle, least-busy, '
        + 'usage-based-routing-v2, latency-based-routing, cost-based-routing'));
    expect(() => new Router({ modelList: [{ model_name: 'g', litellm_params: {} as never }] }))
      .toThrow('Router: modelList[0].litellm_params.model: invalid value undefined');
    const r = new Router({ modelList: [{ model_name: 'g', litellm_params: { model: 'm' } }], numRetries: 1, routing_strategy: 'least-busy' });
    expect(r.getModelList('g')).toHaveLength(1);
    expect(r.addDeployment({ model_name: 'g', litellm_params: { model: 'm2' }, model_info: { id: 'x' } })).toMatchObject({ model_info: { id: 'x' } });
    expect(r.addDeployment({ model_name: 'g', litellm_params: { model: 'm2' }, model_info: { id: 'x' } })).toBeUndefined();
    expect(r.getModelList('g')).toHaveLength(2);
    expect(r.deleteDeployment('x')).toMatchObject({ model_info: { id: 'x' } });
    expect(r.getAvailableDeployment('g')).toMatchObject({ litellm_params: { model: 'm' } });
  });
});
