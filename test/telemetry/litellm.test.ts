import { createRequire } from 'node:module';
import { context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { applyAcceleration, completionCost, getPatchStatus, removeAcceleration } from '../../src/index';
import { isGuarded } from '../../src/shims/guard';
import { collectUntil } from './gc';
import { freshRegistry, scrape, setUpOtel, sumOf, telemetry, total, type Otel } from './helpers';

// litellm 0.12 (openai 4 beneath it) through the shim with the real OpenTelemetry SDK and a real
// prom-client registry, over loopback HTTP to the mock: the spans and metric values equal what the
// mock was told to do.

const require = createRequire(__filename);
const SECRET = 'sk-telemetry-secret-key-0123456789';
const PROMPT = 'Please describe the colour of the sea at dawn';
const messages = [{ role: 'user', content: PROMPT }];

let otel: Otel;
let mock: MockServer;
let litellm: any;

beforeAll(async () => {
  otel = setUpOtel();
  mock = await startMockServer({
    replyTokens: 8, latencyMs: 60, ttftMs: 50, tokensPerSec: 400,
    models: { 'gpt-broken': { fail: 400 } },
  });
  telemetry({ otel: true, metrics: true });
  litellm = require('litellm');
});
afterAll(async () => {
  await removeAcceleration();
  await mock?.close();
});
beforeEach(() => otel.spans.reset());

const call = (extra: object = {}): Promise<any> =>
  litellm.completion({ model: 'gpt-4o-mini', baseUrl: `${mock.url}/v1`, apiKey: SECRET, messages, ...extra });

describe('litellm completion()', () => {
  it('the export is replaced only while the feature is on: off, it is litellm\'s own function again', () => {
    const mod = require('litellm/dist/src/completion');
    const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r.state]));
    expect(rows['litellm.completion.telemetry']).toBe('applied');
    const observed = mod.completion;
    applyAcceleration({ features: { telemetry: 'off' } });
    expect(mod.completion).not.toBe(observed);
    expect(isGuarded(mod.completion)).toBe(false);
    applyAcceleration({ features: { telemetry: 'on' } });
    expect(isGuarded(mod.completion)).toBe(true);
  });

  it('a success: one client span, child of the active span, with the conventions\' attributes', async () => {
    const registry = freshRegistry();
    const tracer = trace.getTracer('app');
    const parent = tracer.startSpan('request');
    const r = await context.with(trace.setSpan(context.active(), parent),
      () => call({ max_tokens: 100, temperature: 0.5 }));
    parent.end();
    const [span] = otel.finished().filter((s) => s.name.startsWith('chat'));
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(2); // CLIENT
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
    const port = Number(new URL(mock.url).port);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': r.model, 'gen_ai.response.id': r.id, 'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': r.usage.prompt_tokens, 'gen_ai.usage.output_tokens': 8,
      'gen_ai.request.max_tokens': 100, 'gen_ai.request.temperature': 0.5,
      'server.address': '127.0.0.1', 'server.port': port,
    });
    expect(span.status.code).toBe(0);
    const seconds = span.duration[0] + span.duration[1] / 1e9;
    expect(seconds).toBeGreaterThanOrEqual(0.06);

    // The cost, from the built-in table, on the result where LiteLLM Python keeps it (not enumerable).
    const cost = r.usage.prompt_tokens * 0.15e-6 + 8 * 0.6e-6;
    expect(r._hidden_params.response_cost).toBeCloseTo(cost, 12);
    expect(Object.keys(r)).not.toContain('_hidden_params');
    expect(completionCost(r)).toBeCloseTo(cost, 12);
    expect(span.attributes['fast_litellm.response_cost']).toBeCloseTo(cost, 12);

    const { samples } = await scrape(registry);
    const labels = { model: 'gpt-4o-mini', requested_model: 'gpt-4o-mini', api_provider: 'openai' };
    expect(total(samples, 'litellm_requests_metric_total', labels)).toBe(1);
    expect(total(samples, 'litellm_proxy_total_requests_metric_total', { ...labels, status_code: '200' })).toBe(1);
    expect(total(samples, 'litellm_input_tokens_metric_total', labels)).toBe(r.usage.prompt_tokens);
    expect(total(samples, 'litellm_output_tokens_metric_total', labels)).toBe(8);
    expect(total(samples, 'litellm_total_tokens_metric_total', labels)).toBe(r.usage.prompt_tokens + 8);
    expect(total(samples, 'litellm_spend_metric_total', labels)).toBeCloseTo(cost, 12);
    expect(total(samples, 'litellm_request_total_latency_metric', labels)).toBe(1);
    expect(sumOf(samples, 'litellm_request_total_latency_metric', labels)).toBeGreaterThanOrEqual(0.06);
    expect(sumOf(samples, 'litellm_llm_api_latency_metric', labels)).toBeGreaterThanOrEqual(0.06);

    const duration = await otel.points('gen_ai.client.operation.duration');
    const mine = duration.filter((p) => p.attributes['gen_ai.request.model'] === 'gpt-4o-mini');
    expect(mine.length).toBe(1);
    expect(mine[0].value.count).toBe(1);
    expect(mine[0].value.sum).toBeGreaterThanOrEqual(0.06);
    const tokens = await otel.points('gen_ai.client.token.usage');
    const byType = Object.fromEntries(tokens.filter((p) => p.attributes['gen_ai.request.model'] === 'gpt-4o-mini')
      .map((p) => [p.attributes['gen_ai.token.type'], p.value.sum]));
    expect(byType).toEqual({ input: r.usage.prompt_tokens, output: 8 });
  });

  it('a provider error: the span and metrics carry error.type, the app gets the error unchanged', async () => {
    const registry = freshRegistry();
    const err = await call({ model: 'gpt-broken' }).catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(400);
    const [span] = otel.finished();
    expect(span.status.code).toBe(2); // ERROR
    expect(span.attributes['error.type']).toBe('BadRequestError');
    const { samples } = await scrape(registry);
    expect(total(samples, 'litellm_proxy_failed_requests_metric_total',
      { model: 'gpt-broken', exception_status: '400', exception_class: 'BadRequestError' })).toBe(1);
    expect(total(samples, 'litellm_proxy_total_requests_metric_total', { model: 'gpt-broken', status_code: '400' })).toBe(1);
  });

  it('a stream read to its end: the span ends with it, time to first chunk as the mock paced it', async () => {
    const registry = freshRegistry();
    const stream = await call({ stream: true });
    expect(otel.finished()).toEqual([]);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.split(' ').filter(Boolean).length).toBe(8);
    const [span] = otel.finished();
    expect(span.attributes['fast_litellm.stream.end']).toBe('complete');
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    const ttft = span.attributes['gen_ai.response.time_to_first_chunk'] as number;
    expect(ttft).toBeGreaterThanOrEqual(0.05);
    // 8 tokens at 400/s after the first: the stream lasts at least ~17 ms past its first chunk.
    expect(span.duration[0] + span.duration[1] / 1e9).toBeGreaterThan(ttft + 0.01);
    const points = await otel.points('gen_ai.client.operation.time_to_first_chunk');
    expect(points.reduce((n, p) => n + p.value.count, 0)).toBe(1);
    const { samples } = await scrape(registry);
    expect(total(samples, 'litellm_llm_api_time_to_first_token_metric', { model: 'gpt-4o-mini' })).toBe(1);
    expect(sumOf(samples, 'litellm_llm_api_time_to_first_token_metric', { model: 'gpt-4o-mini' }))
      .toBeGreaterThanOrEqual(0.05);
  });

  it('a stream stopped early by the app ends its span as returned', async () => {
    const stream = await call({ stream: true });
    for await (const _ of stream) break;
    const [span] = otel.finished();
    expect(span.attributes['fast_litellm.stream.end']).toBe('returned');
  });

  it('a stream the app drops unfinished ends its span when it is collected', async () => {
    await (async () => {
      const stream = await call({ stream: true });
      await stream.next();
    })();
    expect(await collectUntil(() => otel.finished().length > 0)).toBe(true);
    const [span] = otel.finished();
    expect(span.attributes['fast_litellm.stream.end']).toBe('abandoned');
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0.05);
  });

  it('an embedding call: operation embeddings, input tokens, the embedding price', async () => {
    process.env.OPENAI_BASE_URL = `${mock.url}/v1`;
    try {
      const r = await litellm.embedding({ model: 'text-embedding-3-small', input: PROMPT, apiKey: SECRET });
      const [span] = otel.finished();
      expect(span.name).toBe('embeddings text-embedding-3-small');
      expect(span.attributes['gen_ai.usage.input_tokens']).toBe(r.usage.prompt_tokens);
      expect(r._hidden_params.response_cost).toBeCloseTo(r.usage.prompt_tokens * 0.02e-6, 15);
    } finally {
      delete process.env.OPENAI_BASE_URL;
    }
  });

  it('no prompt text and no API key anywhere in what is exported', async () => {
    const registry = freshRegistry();
    await call();
    await (await call({ stream: true })).next();
    const exported = JSON.stringify(otel.finished()
      .map((s) => ({ a: s.attributes, n: s.name, e: s.events, st: s.status })));
    const metricsOut = JSON.stringify((await otel.reader.collect()).resourceMetrics);
    const { text } = await scrape(registry);
    for (const out of [exported, metricsOut, text]) {
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain('colour of the sea');
      expect(out).not.toContain(SECRET.slice(3, 15));
    }
  });
});
