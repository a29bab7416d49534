import { context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { applyAcceleration, getPatchStatus, removeAcceleration } from '../../src/index';
import { MAJORS, openaiOf } from '../openai/helpers';
import { collectUntil } from './gc';
import { freshRegistry, scrape, setUpOtel, sumOf, telemetry, total, type Otel } from './helpers';

// openai 5, 6 and 7 used directly (proxy-client use), each from its own fixture: a span and metrics per
// request, the SDK's own objects kept (APIPromise, withResponse, asResponse, Stream, tee), and the
// prototype method back to the original with the feature off.

const SECRET = 'sk-openai-direct-secret-42';
const PROMPT = 'Name three rivers of the north';
const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: PROMPT }] };

let otel: Otel;
let mock: MockServer;

beforeAll(async () => {
  otel = setUpOtel();
  mock = await startMockServer({
    replyTokens: 6, latencyMs: 40, ttftMs: 30, tokensPerSec: 500,
    models: { slow: { latencyMs: 400 }, unhurried: { tokensPerSec: 40 } },
  });
  telemetry({ otel: true, metrics: true });
});
afterAll(async () => {
  await removeAcceleration();
  await mock?.close();
});
beforeEach(() => otel.spans.reset());

describe.each(MAJORS)('openai %i', (major) => {
  let OpenAI: any;
  let client: any;
  beforeAll(() => {
    OpenAI = openaiOf(major);
    client = new OpenAI({ apiKey: SECRET, baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });

  it('chat: one client span under the active one, the SDK\'s own promise and answer', async () => {
    const registry = freshRegistry();
    const parent = trace.getTracer('app').startSpan('job');
    const p = context.with(trace.setSpan(context.active(), parent), () => client.chat.completions.create(params));
    expect(typeof p.withResponse).toBe('function');
    const { data, response } = await p.withResponse();
    parent.end();
    expect(response).toBeInstanceOf(Response);
    expect(data.usage.completion_tokens).toBe(6);
    const [span] = otel.finished().filter((s) => s.name === 'chat gpt-4o-mini');
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': data.model, 'gen_ai.usage.input_tokens': data.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': 6, 'gen_ai.response.finish_reasons': ['stop'], 'server.address': '127.0.0.1',
    });
    expect(span.duration[0] + span.duration[1] / 1e9).toBeGreaterThanOrEqual(0.04);
    const { samples } = await scrape(registry);
    expect(total(samples, 'litellm_output_tokens_metric_total', { model: 'gpt-4o-mini' })).toBe(6);
    expect(total(samples, 'litellm_llm_api_latency_metric', { model: 'gpt-4o-mini' })).toBe(1);
    expect(sumOf(samples, 'litellm_request_total_latency_metric', { model: 'gpt-4o-mini' })).toBeGreaterThanOrEqual(0.04);
    expect(total(samples, 'litellm_spend_metric_total', { model: 'gpt-4o-mini' }))
      .toBeCloseTo(data.usage.prompt_tokens * 0.15e-6 + 6 * 0.6e-6, 12);
  });

  it('asResponse() alone: the body is the app\'s to read', async () => {
    const res = await client.chat.completions.create(params).asResponse();
    const body = await res.json();
    expect(body.usage.completion_tokens).toBe(6);
  });

  it('a provider error: error.type is the SDK\'s class, the app gets it unchanged', async () => {
    const err = await client.chat.completions.create(params, { headers: { 'x-mock-fail': '429' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const [span] = otel.finished();
    expect(span.attributes['error.type']).toBe('RateLimitError');
    expect(span.status.code).toBe(2);
  });

  it('an abort: the span ends with the SDK\'s abort error', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const err = await client.chat.completions.create({ ...params, model: 'slow' }, { signal: ac.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    const [span] = otel.finished();
    expect(span.attributes['error.type']).toBe('APIUserAbortError');
  });

  it('a stream: the SDK\'s Stream, ended with the last chunk, time to first chunk and usage', async () => {
    const registry = freshRegistry();
    const stream = await client.chat.completions.create(
      { ...params, stream: true, stream_options: { include_usage: true } });
    expect(typeof stream.tee).toBe('function');
    let n = 0;
    for await (const _ of stream) n++;
    expect(n).toBeGreaterThan(6);
    const [span] = otel.finished();
    expect(span.attributes['fast_litellm.stream.end']).toBe('complete');
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(6);
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0.03);
    const { samples } = await scrape(registry);
    expect(sumOf(samples, 'litellm_llm_api_time_to_first_token_metric', { model: 'gpt-4o-mini' })).toBeGreaterThanOrEqual(0.03);
  });

  it('a stream split with tee(): both halves read, one span', async () => {
    const [a, b] = (await client.chat.completions.create({ ...params, stream: true })).tee();
    const read = async (s: any) => { let t = ''; for await (const c of s) t += c.choices[0]?.delta?.content ?? ''; return t; };
    const [ta, tb] = await Promise.all([read(a), read(b)]);
    expect(ta).toBe(tb);
    expect(otel.finished().length).toBe(1);
  });

  it('a stream dropped unfinished: its span ends when it is collected', async () => {
    await (async () => {
      const stream = await client.chat.completions.create({ ...params, model: 'unhurried', stream: true });
      const it = stream[Symbol.asyncIterator]();
      await it.next();
    })();
    expect(await collectUntil(() => otel.finished().length > 0)).toBe(true);
    expect(otel.finished()[0].attributes['fast_litellm.stream.end']).toBe('abandoned');
  });

  it('embeddings: operation embeddings with input tokens', async () => {
    const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a b', 'c'] });
    const [span] = otel.finished();
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(r.usage.prompt_tokens);
  });

  it('no prompt text and no API key in what is exported', async () => {
    const registry = freshRegistry();
    await client.chat.completions.create(params);
    const out = JSON.stringify(otel.finished().map((s) => s.attributes)) + (await scrape(registry)).text;
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain('rivers of the north');
  });

  it('with the feature off the prototype method is the original', () => {
    const Completions = Object.getPrototypeOf(client.chat.completions).constructor;
    const patched = Completions.prototype.create;
    applyAcceleration({ features: { telemetry: 'off' } });
    const original = Completions.prototype.create;
    expect(original).not.toBe(patched);
    expect(original.toString()).toContain('/chat/completions');
    applyAcceleration({ features: { telemetry: 'on' } });
    expect(Completions.prototype.create).not.toBe(original);
  });
});

it('every openai 5-7 telemetry row applied', () => {
  const rows = getPatchStatus().rows.filter((r) => r.feature === 'telemetry' && r.package === 'openai');
  expect(rows.map((r) => [r.id, r.state])).toEqual([
    ['openai.chat.completions.create.telemetry', 'applied'], ['openai.embeddings.create.telemetry', 'applied'],
  ]);
});
