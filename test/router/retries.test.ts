// Retry counts per error type and backoff, ported from LiteLLM's tests/local_testing/test_router_retries.py
// (MIT, BerriAI/litellm), expectations kept; then the parts of LiteLLM's rules they do not cover.
import { describe, expect, it } from 'vitest';
import { classify, defaultSettings, retryDelay, shouldRetry } from '../../src/accelerators/router';
import { fakeRouter, messages, providerError } from './helpers';

const base = { hasContextWindowFallbacks: false, hasContentPolicyFallbacks: false, hasFallbacks: false };
const info = (status: number, message?: string) => classify(providerError(status, message));

describe('LiteLLM test_router_retries.py', () => {
  // Two deployments with the same config share one id, so a 401 cools "both" (LiteLLM's fixture).
  const same = () => [0, 1].map(() => ({ model_name: 'azure/gpt-3.5-turbo', litellm_params: { model: 'azure/chatgpt-functioncalling', api_key: 'k' }, tpm: 240000, rpm: 1800 }));

  it.each([[401, 'Authorization Error', 1], [500, 'API Error', 3]])('test_router_retries_errors: %i (%s) -> %i calls', async (status, _name, calls) => {
    let n = 0;
    const r = fakeRouter(same(), { answer: (d, p) => (n++ < 4 ? { model: p.model } : providerError(status)) });
    for (let i = 0; i < 4; i++) await r.core.route('completion', { model: 'azure/gpt-3.5-turbo', messages });
    r.calls.length = 0;
    await expect(r.core.route('completion', { model: 'azure/gpt-3.5-turbo', messages })).rejects.toMatchObject({ status });
    expect(r.calls).toHaveLength(calls);
  });

  const pair = (names: string[]) => names.flatMap((model_name) => [0, 1].map((i) => ({ model_name, litellm_params: { model: 'azure/chatgpt-v-2', api_base: `https://${i}.x` } })));

  it.each([['ContentPolicyViolationErrorRetries', 3], ['AuthenticationErrorRetries', 0]])('test_router_retry_policy: %s', async (field, retries) => {
    const error = field === 'AuthenticationErrorRetries' ? providerError(401) : providerError(400, 'content_filter_policy', {});
    const r = fakeRouter(pair(['gpt-3.5-turbo']), {
      settings: {
        retry_policy: { ContentPolicyViolationErrorRetries: 3, AuthenticationErrorRetries: 0 },
        disable_cooldowns: true,
      },
      answer: () => error,
    });
    await r.core.route('completion', { model: 'gpt-3.5-turbo', messages }).catch(() => undefined);
    expect(r.calls).toHaveLength(retries + 1);
  });

  it.each([['gpt-3.5-turbo', 2], ['bad-model', 0]])('test_dynamic_router_retry_policy: %s -> %i retries', async (group, retries) => {
    const r = fakeRouter(pair(['gpt-3.5-turbo', 'bad-model']), {
      settings: { model_group_retry_policy: { 'gpt-3.5-turbo': { ContentPolicyViolationErrorRetries: 2 }, 'bad-model': { AuthenticationErrorRetries: 0 } },
        disable_cooldowns: true },
      answer: (d) => (d.modelName === 'bad-model' ? providerError(401) : providerError(400, 'content_filter_policy')),
    });
    await r.core.route('completion', { model: group, messages }).catch(() => undefined);
    expect(r.calls).toHaveLength(retries + 1);
  });

  it('test_retry_rate_limit_error_with_healthy_deployments', () => {
    expect(shouldRetry({ ...base, e: info(429), healthy: 2, all: 2 })).toBe(true);
  });

  it('test_do_retry_rate_limit_error_with_no_fallbacks_and_no_healthy_deployments', () => {
    expect(shouldRetry({ ...base, e: info(429), healthy: 0, all: 1 })).toBe(false);
  });

  it('test_raise_context_window_exceeded_error: with context_window_fallbacks the error goes to them', () => {
    expect(shouldRetry({ ...base, hasContextWindowFallbacks: true, e: info(400, 'maximum context length is 4097 tokens'), healthy: 1, all: 1 }))
      .toBe(false);
  });

  it('test_raise_context_window_exceeded_error_no_retry: without them a 400 is not retried either', () => {
    expect(shouldRetry({ ...base, e: info(400, 'maximum context length is 4097 tokens'), healthy: 1, all: 1 })).toBe(false);
  });

  it.each([[1, 60], [2, 0]])('test_timeout_for_rate_limit_error_with_healthy_deployments: %i deployment(s) -> %i s', (all, expected) => {
    const e = classify(providerError(429, 'rate limit', { 'retry-after': '60' }));
    const t = retryDelay(e, 2, 2, 1, all, defaultSettings(), () => 0.5);
    if (expected === 0) expect(t).toBe(0);
    else {
      // LiteLLM today adds up to 0.75 s of jitter to a Retry-After it honours.
      expect(t).toBeGreaterThanOrEqual(60);
      expect(t).toBeLessThan(60.75);
    }
  });

  it('test_timeout_for_rate_limit_error_with_no_healthy_deployments: a wait > 0', () => {
    expect(retryDelay(info(429), 4, 4, 0, 1, defaultSettings(), Math.random)).toBeGreaterThan(0);
  });

  it('test_no_retry_for_not_found_error_404', () => {
    expect(shouldRetry({ ...base, e: info(404), healthy: 1, all: 2 })).toBe(false);
  });

  it('test_no_retry_when_no_healthy_deployments: 500, 429, 503 and 408 alike', () => {
    for (const s of [500, 429, 503, 408]) expect(shouldRetry({ ...base, e: info(s), healthy: 0, all: 1 })).toBe(false);
  });
});

describe('backoff and retry rules', () => {
  it('0.5 x 2^n clamped to [retry_after, 8] s, plus up to 0.75 s jitter; Retry-After over 60 s is not honoured', () => {
    const s = defaultSettings();
    const e = info(500);
    expect(retryDelay(e, 2, 2, 0, 1, s, () => 0)).toBe(0.5);
    expect(retryDelay(e, 1, 2, 0, 1, s, () => 0)).toBe(1);
    expect(retryDelay(e, 0, 6, 0, 1, s, () => 0)).toBe(8);
    expect(retryDelay(e, 2, 2, 0, 1, { ...s, retry_after: 3 }, () => 0)).toBe(3);
    expect(retryDelay(e, 2, 2, 0, 1, s, () => 0.999)).toBeCloseTo(0.5 + 0.74925);
    const long = classify(providerError(429, 'x', { 'retry-after': '120' }));
    expect(retryDelay(long, 2, 2, 0, 1, s, () => 0)).toBe(0.5);
  });

  it('401 retries on a sibling when the group has one; 400 and 422 never retry', () => {
    expect(shouldRetry({ ...base, e: info(401), healthy: 1, all: 2 })).toBe(true);
    expect(shouldRetry({ ...base, e: info(401), healthy: 1, all: 1 })).toBe(false);
    expect(shouldRetry({ ...base, e: info(400), healthy: 2, all: 2 })).toBe(false);
    expect(shouldRetry({ ...base, e: info(422), healthy: 2, all: 2 })).toBe(false);
  });

  it('a retry goes to a healthy sibling at once, not to the deployment that just failed', async () => {
    const list = ['a', 'b', 'c'].map((x) => ({ model_name: 'g', litellm_params: { model: x } }));
    const r = fakeRouter(list, { answer: (d, p) => (d.model === 'a' ? providerError(503) : { model: p.model }) });
    for (let i = 0; i < 30; i++) {
      const res = (await r.core.route('completion', { model: 'g', messages })) as { _hidden_params: { attempted_retries: number } };
      expect(res._hidden_params.attempted_retries).toBeLessThanOrEqual(1);
    }
    // No wait before those retries: a healthy sibling takes them at once.
    const e = classify(providerError(503));
    expect(retryDelay(e, 2, 2, 2, 3, defaultSettings(), Math.random)).toBe(0);
    const calls = r.calls.map((d) => d.model);
    for (let i = 1; i < calls.length; i++) if (calls[i - 1] === 'a') expect(calls[i]).not.toBe('a');
  });

  it('num_retries on the request wins; 0 means one attempt', async () => {
    const list = ['a', 'b'].map((x) => ({ model_name: 'g', litellm_params: { model: x } }));
    const r = fakeRouter(list, { answer: () => providerError(500), settings: { disable_cooldowns: true } });
    await r.core.route('completion', { model: 'g', messages, num_retries: 0 }).catch(() => undefined);
    expect(r.calls).toHaveLength(1);
    r.calls.length = 0;
    await r.core.route('completion', { model: 'g', messages, num_retries: 4 }).catch(() => undefined);
    expect(r.calls).toHaveLength(5);
  });
});
