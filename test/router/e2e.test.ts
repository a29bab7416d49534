// End to end over real loopback HTTP: several embedded mock servers as deployments, each with its
// own latency and faults, called through litellm 0.12 (OpenAI handler) or the pooled transport.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentTimeoutError } from '../../src/accelerators/router';
import { Router, startMockServer, type MockServer } from '../../src/index';

let fast: MockServer;
let flaky: MockServer;
let slow: MockServer;
const KEY = 'sk-e2e-secret-0123456789';

beforeAll(async () => {
  fast = await startMockServer({ latencyMs: 2 });
  // shouldRetry false: the openai SDK inside litellm does not retry on its own, the router does.
  flaky = await startMockServer({ latencyMs: 2, failRate: 0.5, failStatus: 500, shouldRetry: false });
  slow = await startMockServer({ latencyMs: 400 });
});
afterAll(async () => {
  await Promise.all([fast.close(), flaky.close(), slow.close()]);
});

const deployment = (m: MockServer, id: string, extra: Record<string, unknown> = {}) => ({
  model_name: 'chat', litellm_params: { model: 'openai/gpt-3.5-turbo', api_base: `${m.url}/v1`, api_key: KEY, ...extra }, model_info: { id },
});
const messages = [{ role: 'user', content: 'Hello there' }];
type Answer = { choices: { message: { content: string } }[]; _hidden_params: Record<string, unknown> };

describe('Router over the mock', () => {
  it('one of three deployments failing half its calls: every call succeeds, served and told which', async () => {
    const router = new Router({ modelList: [deployment(fast, 'fast'), deployment(flaky, 'flaky'), deployment(fast, 'fast-2')] });
    const served: Record<string, number> = {};
    for (let i = 0; i < 150; i++) {
      const r = (await router.completion({ model: 'chat', messages })) as Answer;
      expect(typeof r.choices[0].message.content).toBe('string');
      const id = r._hidden_params.model_id as string;
      served[id] = (served[id] ?? 0) + 1;
      expect(Object.keys(r)).not.toContain('_hidden_params');
    }
    expect(Object.keys(served).sort()).toEqual(expect.arrayContaining(['fast', 'fast-2']));
    const stats = router.getStats();
    expect(stats.successes).toBe(150);
    expect(stats.deployments.flaky.failures).toBeGreaterThan(0);
    expect(JSON.stringify(stats)).not.toContain(KEY);
    await router.close();
  });

  it('the answer names the deployment, its group, retries and fallbacks; never the key', async () => {
    const router = new Router({ modelList: [deployment(fast, 'only')] });
    const r = (await router.completion({ model: 'chat', messages })) as Answer;
    expect(r._hidden_params).toMatchObject({ model_id: 'only', model_group: 'chat', api_base: `${fast.url}/v1`,
      attempted_retries: 0, attempted_fallbacks: 0, deployment: 'openai/gpt-3.5-turbo' });
    expect((r._hidden_params.additional_headers as Record<string, string>)['x-litellm-model-id']).toBe('only');
    expect(JSON.stringify(r._hidden_params)).not.toContain(KEY);
    expect(JSON.stringify(router.getModelList())).not.toContain(KEY);
    await router.close();
  });

  it('streams, with the slot held until the stream ends', async () => {
    const router = new Router({ modelList: [deployment(fast, 'a'), deployment(fast, 'b')], routingStrategy: 'least-busy' });
    const s = (await router.completion({ model: 'chat', messages, stream: true })) as AsyncIterable<{ choices: { delta: { content?: string } }[] }>;
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect((s as unknown as Answer)._hidden_params.model_id).toMatch(/^[ab]$/);
    await router.close();
  });

  it('a deployment past its timeout: the router stops waiting and retries a sibling', async () => {
    const router = new Router({ modelList: [deployment(slow, 'slow', { timeout: 0.05 }), deployment(fast, 'fast')],
      routingStrategy: 'latency-based-routing' });
    for (let i = 0; i < 6; i++) {
      const r = (await router.completion({ model: 'chat', messages })) as Answer;
      expect(r._hidden_params.model_id).toBe('fast');
    }
    const alone = new Router({ modelList: [deployment(slow, 'slow', { timeout: 0.05 })], numRetries: 0 });
    await expect(alone.completion({ model: 'chat', messages })).rejects.toBeInstanceOf(DeploymentTimeoutError);
    await Promise.all([router.close(), alone.close()]);
  });

  it('the caller aborts: the call rejects with the signal\'s reason', async () => {
    const router = new Router({ modelList: [deployment(slow, 'slow')] });
    const ctl = new AbortController();
    const p = router.completion({ model: 'chat', messages }, { signal: ctl.signal });
    setTimeout(() => ctl.abort(new Error('user gave up')), 20);
    await expect(p).rejects.toThrow('user gave up');
    await router.close();
  });

  it('an OpenAI-compatible model litellm has no handler for goes over the pooled transport, stream and embeddings too', async () => {
    const router = new Router({ modelList: [
      { model_name: 'llama', litellm_params: { model: 'openai/llama-3-8b', api_base: `${fast.url}/v1`, api_key: KEY } },
      { model_name: 'embed', litellm_params: { model: 'text-embedding-3-small', api_base: `${fast.url}/v1`, api_key: KEY } },
    ] });
    const before = fast.stats().requests;
    const r = (await router.completion({ model: 'llama', messages })) as Answer & { model: string };
    expect(r.model).toBe('llama-3-8b');
    const s = (await router.completion({ model: 'llama', messages, stream: true })) as AsyncIterable<{ choices: { delta: { content?: string } }[] }>;
    let n = 0;
    for await (const c of s) if (c.choices[0]?.delta?.content) n++;
    expect(n).toBeGreaterThan(0);
    const e = (await router.embedding({ model: 'embed', input: ['hello'] })) as { data: { embedding: unknown }[] };
    expect(e.data).toHaveLength(1);
    expect(fast.stats().requests - before).toBe(3);
    await router.close();
  });

  it('a 401 deployment is cooled at once; the group goes on on its sibling', async () => {
    const bad = await startMockServer({ failRate: 1, failStatus: 401, shouldRetry: false });
    try {
      const router = new Router({ modelList: [deployment(bad, 'bad'), deployment(fast, 'good')] });
      for (let i = 0; i < 10; i++) expect(((await router.completion({ model: 'chat', messages })) as Answer)._hidden_params.model_id).toBe('good');
      expect(router.getStats().deployments.bad?.calls ?? 0).toBeLessThanOrEqual(1);
      await router.close();
    } finally {
      await bad.close();
    }
  });
});
