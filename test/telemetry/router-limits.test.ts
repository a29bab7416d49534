import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { applyAcceleration, getFeatureStatus, removeAcceleration } from '../../src/index';
import { loadConfig, setConfig } from '../../src/config';
import { freshRegistry, scrape, setUpOtel, total, type Otel } from './helpers';

// The router and the rate limits under telemetry, set up as an app would: a config file with a
// model_list and limits, FAST_LITELLM_OTEL and FAST_LITELLM_METRICS in the environment.

const require = createRequire(__filename);
const messages = [{ role: 'user', content: 'route me' }];
let good: MockServer;
let bad: MockServer;
let busy: MockServer;
let otel: Otel;
let litellm: any;

beforeAll(async () => {
  otel = setUpOtel();
  good = await startMockServer({ replyTokens: 5 });
  bad = await startMockServer({ failRate: 1, failStatus: 500, shouldRetry: false });
  busy = await startMockServer({ failRate: 1, failStatus: 429, shouldRetry: false });
  const dir = mkdtempSync(join(tmpdir(), 'fl-tel-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({
    model_list: [
      { model_name: 'chat', litellm_params: { model: 'openai/gpt-4o-mini', api_base: `${good.url}/v1`, api_key: 'sk-good',
        input_cost_per_token: 0.001, output_cost_per_token: 0.002 } },
      { model_name: 'flaky', litellm_params: { model: 'openai/gpt-3.5-turbo', api_base: `${bad.url}/v1`, api_key: 'sk-bad' } },
      // Two deployments answering 429: the first one tried cools down at once (it has a sibling).
      ...['sk-busy-1', 'sk-busy-2'].map((key) => ({ model_name: 'busy',
        litellm_params: { model: 'openai/gpt-4o', api_base: `${busy.url}/v1`, api_key: key } })),
      { model_name: 'doomed', litellm_params: { model: 'openai/gpt-4', api_base: `${bad.url}/v1`, api_key: 'sk-bad' } },
      { model_name: 'gone', litellm_params: { model: 'openai/gpt-4-turbo', api_base: `${bad.url}/v1`, api_key: 'sk-bad' } },
    ],
    router_settings: { num_retries: 0, fallbacks: [{ flaky: ['chat'] }, { doomed: ['gone'] }] },
    rateLimit: { models: { 'gpt-3.5-turbo-limited': { rpm: 1 }, 'gpt-3.5-turbo-counted': { rpm: 3, tpm: 100000 } } },
  }));
  setConfig(loadConfig({ FAST_LITELLM_CONFIG: file, FAST_LITELLM_OTEL: '1', FAST_LITELLM_METRICS: 'true' }));
  applyAcceleration();
  litellm = require('litellm');
});
afterAll(async () => {
  await removeAcceleration();
  await good?.close();
  await bad?.close();
  await busy?.close();
});

describe('telemetry with the router and the rate limits', () => {
  it('the settings turn the feature on', () => {
    expect(getFeatureStatus().telemetry.effective).toBe('on');
  });

  it('a routed call: a span for the group with its attempt as a child, the deployment\'s own prices', async () => {
    const registry = freshRegistry();
    otel.spans.reset();
    const r = await litellm.completion({ model: 'chat', messages });
    const spans = otel.finished();
    expect(spans.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat chat']);
    expect(spans[0].parentSpanContext?.spanId).toBe(spans[1].spanContext().spanId);
    const id = r._hidden_params.model_id;
    expect(spans[1].attributes).toMatchObject({ 'gen_ai.request.model': 'chat', 'fast_litellm.model_id': id,
      'fast_litellm.model_group': 'chat', 'gen_ai.provider.name': 'openai' });
    const cost = r.usage.prompt_tokens * 0.001 + 5 * 0.002;
    expect(r._hidden_params.response_cost).toBeCloseTo(cost, 12);
    expect(r._hidden_params.model_group).toBe('chat');
    const { samples } = await scrape(registry);
    expect(total(samples, 'litellm_requests_metric_total',
      { model: 'openai/gpt-4o-mini', requested_model: 'chat', model_id: id })).toBe(1);
    expect(total(samples, 'litellm_spend_metric_total', { requested_model: 'chat' })).toBeCloseTo(cost, 12);
    expect(total(samples, 'litellm_deployment_total_requests_total', { requested_model: 'chat', model_id: id })).toBe(1);
    expect(total(samples, 'litellm_deployment_latency_per_output_token', { model_id: id })).toBe(1);
  });

  it('a failing deployment and its fallback: deployment counts, state and the fallback', async () => {
    const registry = freshRegistry();
    const r = await litellm.completion({ model: 'flaky', messages });
    expect(r._hidden_params.model_group).toBe('chat');
    const { samples } = await scrape(registry);
    expect(total(samples, 'litellm_deployment_failure_responses_total', { requested_model: 'flaky' })).toBe(1);
    expect(total(samples, 'litellm_deployment_state', { litellm_model_name: 'openai/gpt-3.5-turbo' })).toBeGreaterThan(0);
    expect(total(samples, 'litellm_deployment_successful_fallbacks_total',
      { requested_model: 'flaky', fallback_model: 'chat' })).toBe(1);
    expect(total(samples, 'fast_litellm_router_calls_total', { outcome: 'fallback' })).toBeGreaterThanOrEqual(1);
  });

  it('deployment outcomes as the router decides them: failures by exception, the cooldown, the state', async () => {
    const registry = freshRegistry();
    const err = await litellm.completion({ model: 'busy', messages }).catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(429);
    const { samples } = await scrape(registry);
    const failed = samples.filter((s) => s.name === 'litellm_deployment_failure_responses_total');
    expect(failed).toHaveLength(1);
    expect(failed[0].labels).toMatchObject({ requested_model: 'busy', litellm_model_name: 'openai/gpt-4o',
      exception_status: '429', exception_class: 'RateLimitError' });
    expect(failed[0].value).toBe(1);
    const id = failed[0].labels.model_id;
    expect(total(samples, 'litellm_deployment_total_requests_total', { model_id: id })).toBe(1);
    expect(total(samples, 'litellm_deployment_success_responses_total', { requested_model: 'busy' })).toBe(0);
    expect(total(samples, 'litellm_deployment_cooled_down_total', { model_id: id })).toBe(1);
    expect(total(samples, 'litellm_deployment_state', { model_id: id })).toBe(2);
    // The other deployment was not called: healthy.
    const states = samples.filter((s) => s.name === 'litellm_deployment_state'
      && s.labels.litellm_model_name === 'openai/gpt-4o' && s.labels.model_id !== id);
    expect(states.map((s) => s.value)).toEqual([0]);
  });

  it('a fallback group that fails too: counted as a failed fallback', async () => {
    const registry = freshRegistry();
    const err = await litellm.completion({ model: 'doomed', messages }).catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(500);
    const { samples } = await scrape(registry);
    expect(total(samples, 'litellm_deployment_failed_fallbacks_total',
      { requested_model: 'doomed', fallback_model: 'gone' })).toBe(1);
    expect(total(samples, 'litellm_deployment_successful_fallbacks_total', { requested_model: 'doomed' })).toBe(0);
    expect(total(samples, 'litellm_deployment_failure_responses_total',
      { requested_model: 'gone', exception_status: '500', exception_class: 'InternalServerError' })).toBe(1);
  });

  it('a rate-limit denial: a failed request of class RateLimitError and a denial by scope', async () => {
    const registry = freshRegistry();
    const call = () => litellm.completion({ model: 'gpt-3.5-turbo-limited', baseUrl: `${good.url}/v1`, apiKey: 'k', messages });
    await call();
    const err = await call().catch((e: unknown) => e);
    expect((err as Error).name).toBe('RateLimitError');
    const { samples } = await scrape(registry);
    expect(total(samples, 'litellm_proxy_failed_requests_metric_total',
      { requested_model: 'gpt-3.5-turbo-limited', exception_class: 'RateLimitError', exception_status: '429' })).toBe(1);
    expect(total(samples, 'fast_litellm_rate_limit_denials_total',
      { scope: 'model', limit_type: 'requests', model: 'gpt-3.5-turbo-limited' })).toBe(1);
    expect(total(samples, 'fast_litellm_rate_limit_remaining_requests', { scope: 'model' })).toBe(0);
  });

  it('an admitted call sets the remaining requests and tokens of its scopes', async () => {
    const registry = freshRegistry();
    await litellm.completion({ model: 'gpt-3.5-turbo-counted', baseUrl: `${good.url}/v1`, apiKey: 'k', messages });
    const { samples } = await scrape(registry);
    expect(total(samples, 'fast_litellm_rate_limit_remaining_requests',
      { scope: 'model', model: 'gpt-3.5-turbo-counted' })).toBe(2);
    const tokens = total(samples, 'fast_litellm_rate_limit_remaining_tokens', { scope: 'model', model: 'gpt-3.5-turbo-counted' });
    expect(tokens).toBeGreaterThan(0);
    expect(tokens).toBeLessThan(100000);
    expect(total(samples, 'fast_litellm_rate_limit_denials_total', { model: 'gpt-3.5-turbo-counted' })).toBe(0);
  });

  it('the shim\'s own counts at scrape time: components, features, pools', async () => {
    const registry = freshRegistry();
    await litellm.completion({ model: 'chat', messages });
    const { samples, types } = await scrape(registry);
    expect(types.fast_litellm_calls_total).toBe('COUNTER');
    expect(total(samples, 'fast_litellm_calls_total', { component: 'litellm.completion.telemetry', path: 'accelerated' }))
      .toBeGreaterThanOrEqual(4);
    expect(total(samples, 'fast_litellm_feature_enabled', { feature: 'router' })).toBe(1);
    expect(total(samples, 'fast_litellm_feature_auto_disabled', { feature: 'telemetry' })).toBe(0);
    expect(samples.some((s) => s.name === 'fast_litellm_token_cache_hits_total')).toBe(true);
  });
});
