import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import {
  completionCost, ConfigError, createMetricsHandler, loadConfig, registerModelPrices, removeAcceleration,
} from '../../src/index';
import { main } from '../../src/cli/main';
import { metricsServer } from '../../src/shims/telemetry';
import { priceTableInfo } from '../../src/telemetry';
import { freshRegistry, scrape, setUpOtel, telemetry, type Otel } from './helpers';

// The scrape endpoint (the in-process server and the handler), `fast-litellm metrics`, content capture
// as an opt-in, the API-key label, the price file in LiteLLM's format, and bounded label values.

const require = createRequire(__filename);
const SECRET = 'sk-endpoint-secret-key';
const messages = [{ role: 'user', content: 'What is the tallest mountain?' }];
let otel: Otel;
let mock: MockServer;
let litellm: any;

beforeAll(async () => {
  otel = setUpOtel();
  mock = await startMockServer({ replyTokens: 3 });
  litellm = require('litellm');
});
afterAll(async () => {
  await removeAcceleration();
  await mock?.close();
});

const call = (model = 'gpt-4o', extra: object = {}): Promise<any> =>
  litellm.completion({ model, baseUrl: `${mock.url}/v1`, apiKey: SECRET, messages, ...extra });

const get = (url: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> =>
  new Promise((resolve, reject) => {
    http.request(url, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () =>
        resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    }).on('error', reject).end();
  });

function capture(): { io: { out(s: string): void; err(s: string): void }; text: () => string } {
  let out = '';
  return { io: { out: (s) => (out += s), err: (s) => (out += s) }, text: () => out };
}

describe('the scrape endpoint', () => {
  it('FAST_LITELLM_METRICS_PORT: a server on 127.0.0.1 that fast-litellm metrics --url reads', async () => {
    telemetry({ metrics: true, metricsPort: 0 });
    freshRegistry();
    await call();
    const server = await metricsServer();
    expect(server?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const r = await get(server!.url);
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/plain');
    expect(r.body).toContain('litellm_requests_metric_total{');
    const c = capture();
    expect(await main(['metrics', '--url', server!.url], c.io)).toBe(0);
    expect(c.text()).toMatch(/litellm_output_tokens_metric_total\s+3\s/);
    expect(c.text()).toMatch(/litellm_request_total_latency_metric\s+\S+\s+\(1 observed\)/);
  });

  it('createMetricsHandler() in an app\'s own server: GET answers, other methods get 405', async () => {
    const registry = freshRegistry();
    telemetry({ metrics: true });
    await call();
    const srv = http.createServer(createMetricsHandler({ registry }));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/metrics`;
    try {
      expect((await get(url)).body).toContain('# TYPE litellm_spend_metric_total counter');
      expect((await get(url, 'HEAD')).body).toBe('');
      expect((await get(url, 'POST')).status).toBe(405);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });

  it('fast-litellm metrics lists every metric', async () => {
    const c = capture();
    expect(await main(['metrics'], c.io)).toBe(0);
    for (const name of ['litellm_spend_metric_total', 'litellm_deployment_state', 'fast_litellm_pool_sockets',
      'gen_ai.client.operation.duration']) expect(c.text()).toContain(name);
  });
});

describe('what may go into exported data', () => {
  it('content capture is an opt-in: the messages appear only with FAST_LITELLM_OTEL_CAPTURE_CONTENT', async () => {
    telemetry({ otel: true, captureContent: false });
    otel.spans.reset();
    await call();
    expect(JSON.stringify(otel.finished()[0].attributes)).not.toContain('tallest mountain');
    telemetry({ otel: true, captureContent: true });
    otel.spans.reset();
    const r = await call();
    const a = otel.finished()[0].attributes;
    expect(JSON.parse(a['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'What is the tallest mountain?' }] }]);
    expect(JSON.parse(a['gen_ai.output.messages'] as string)[0]).toEqual(
      { role: 'assistant', parts: [{ type: 'text', content: r.choices[0].message.content }], finish_reason: 'stop' });
    expect(JSON.stringify(a)).not.toContain(SECRET);
  });

  it('the API key is a label only when enabled, and then only as a hash prefix', async () => {
    telemetry({ metrics: true });
    let registry = freshRegistry();
    await call();
    expect((await scrape(registry)).text).not.toContain('hashed_api_key');
    telemetry({ metrics: true, apiKeyLabel: true });
    registry = freshRegistry();
    await call();
    const { text, samples } = await scrape(registry);
    expect(text).not.toContain(SECRET);
    const hashes = samples.filter((s) => s.name === 'litellm_requests_metric_total').map((s) => s.labels.hashed_api_key);
    expect(hashes).toEqual([require('node:crypto').createHash('sha256').update(SECRET).digest('hex').slice(0, 12)]);
  });

  it('label values are bounded: past maxLabelValues a model is __other__', async () => {
    telemetry({ metrics: true, maxLabelValues: 2 });
    const registry = freshRegistry();
    for (const m of ['gpt-a', 'gpt-b', 'gpt-c', 'gpt-d']) await call(m);
    const models = (await scrape(registry)).samples.filter((s) => s.name === 'litellm_requests_metric_total')
      .map((s) => s.labels.model).sort();
    expect(models).toEqual(['__other__', 'gpt-a', 'gpt-b']);
  });
});

describe('prices', () => {
  it('a price file in LiteLLM\'s format (the copy llm-cost ships) replaces the built-in prices', async () => {
    const file = require.resolve('llm-cost/model_prices_and_context_window.json');
    const cfg = loadConfig({ FAST_LITELLM_PRICE_FILE: file, FAST_LITELLM_METRICS: '1' });
    telemetry({ metrics: true, priceFile: cfg.telemetry.priceFile });
    const r = await call('gpt-4o');
    const table = require(file);
    const expected = r.usage.prompt_tokens * table['gpt-4o'].input_cost_per_token
      + 3 * table['gpt-4o'].output_cost_per_token;
    expect(r._hidden_params.response_cost).toBeCloseTo(expected, 12);
    expect(priceTableInfo().fileModels).toBeGreaterThan(400);
    telemetry({ metrics: true });
    const builtin = await call('gpt-4o');
    expect(builtin._hidden_params.response_cost).toBeCloseTo(builtin.usage.prompt_tokens * 2.5e-6 + 3 * 10e-6, 12);
  });

  it('a bad price file is a ConfigError naming the setting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-price-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"gpt-x": ');
    expect(() => loadConfig({ FAST_LITELLM_PRICE_FILE: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ FAST_LITELLM_PRICE_FILE: bad })).toThrow(/^FAST_LITELLM_PRICE_FILE: invalid value .* \(not JSON/);
    writeFileSync(bad, '[1, 2]');
    expect(() => loadConfig({ FAST_LITELLM_PRICE_FILE: bad })).toThrow(/not an object of models/);
  });

  it('registerModelPrices and completionCost', () => {
    registerModelPrices({ 'my-model': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } });
    expect(completionCost({ model: 'my-model', usage: { prompt_tokens: 10, completion_tokens: 5 } })).toBeCloseTo(2e-5, 15);
    expect(completionCost({ model: 'unknown-model', usage: { prompt_tokens: 10, completion_tokens: 5 } })).toBeUndefined();
    expect(completionCost({ model: 'gpt-4o-mini-2024-07-18', usage: { prompt_tokens: 1000, completion_tokens: 0,
      prompt_tokens_details: { cached_tokens: 400 } } })).toBeCloseTo(600 * 0.15e-6 + 400 * 0.075e-6, 15);
    expect(() => completionCost(null)).toThrow(/^completionCost: response: invalid value null/);
    expect(() => registerModelPrices({ bad: { input_cost_per_token: -1 } })).toThrow(/registerModelPrices: table/);
  });
});
