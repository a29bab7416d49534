import { createRequire } from 'node:module';
import { metrics } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { removeAcceleration } from '../../src/index';
import { resetOtelApi } from '../../src/telemetry/otel-api';
import { resetPromClient } from '../../src/telemetry/prom-client';
import { freshRegistry, scrape, setUpOtel, telemetry, total } from './helpers';

// What telemetry must never do: break a call. An exporter that throws, a meter that throws, a registry
// metric that throws, the optional peers missing: the app gets the same answers.

const require = createRequire(__filename);
let mock: MockServer;
let litellm: any;
const messages = [{ role: 'user', content: 'hello' }];

const brokenExporter: SpanExporter = {
  export() {
    throw new Error('exporter down');
  },
  async shutdown() {},
};

beforeAll(async () => {
  setUpOtel(brokenExporter);
  mock = await startMockServer({ replyTokens: 4 });
  litellm = require('litellm');
});
afterAll(async () => {
  await removeAcceleration();
  await mock?.close();
});

const call = (extra: object = {}): Promise<any> =>
  litellm.completion({ model: 'gpt-3.5-turbo', baseUrl: `${mock.url}/v1`, apiKey: 'sk-x', messages, ...extra });

describe('telemetry that fails', () => {
  it('a span exporter that throws: answers and streams are unchanged', async () => {
    telemetry({ otel: true, metrics: false });
    const r = await call();
    expect(r.choices[0].message.content.split(' ').length).toBe(4);
    let text = '';
    for await (const c of await call({ stream: true })) text += c.choices[0]?.delta?.content ?? '';
    expect(text.trim().split(' ').length).toBe(4);
  });

  it('a meter whose instruments throw: the call goes on', async () => {
    const throwing = { record() { throw new Error('meter down'); } };
    metrics.setGlobalMeterProvider({
      getMeter: () => ({ createHistogram: () => throwing, createCounter: () => throwing }) as never,
    });
    telemetry({ otel: true, metrics: false });
    const r = await call();
    expect(r.usage.completion_tokens).toBe(4);
  });

  it('a registry metric that throws: the call goes on, the scrape still answers', async () => {
    telemetry({ otel: false, metrics: true });
    const registry = freshRegistry();
    await call(); // the metrics register at the first call under the settings
    const m = registry.getSingleMetric('litellm_requests_metric_total') as any;
    m.inc = () => { throw new Error('counter down'); };
    const r = await call();
    expect(r.usage.completion_tokens).toBe(4);
    const { samples } = await scrape(registry);
    expect(total(samples, 'litellm_output_tokens_metric_total')).toBe(8);
  });

  it('without @opentelemetry/api or prom-client installed, calls run as without the feature', async () => {
    resetOtelApi(null);
    resetPromClient(null);
    try {
      telemetry({ otel: true, metrics: true, maxLabelValues: 199 });
      const r = await call();
      expect(r.usage.completion_tokens).toBe(4);
    } finally {
      resetOtelApi();
      resetPromClient();
    }
  });
});
