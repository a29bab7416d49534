// Fallbacks in LiteLLM's order (router.py async_function_with_fallbacks_common_utils,
// router_utils/fallback_event_handlers.py): the group's next `order` levels, then
// context_window_fallbacks / content_policy_fallbacks for those errors, then fallbacks (exact,
// then `*`); each fallback group with its own retries and fallbacks, max_fallbacks hops in all;
// the first group's error when every fallback fails too.
import { describe, expect, it } from 'vitest';
import { ContextWindowExceededError } from '../../src/accelerators/router';
import { fakeRouter, messages, providerError } from './helpers';

const groups = (...names: string[]) => names.map((n) => ({ model_name: n, litellm_params: { model: `m-${n}` } }));
type Answer = { _hidden_params: { model_group: string; attempted_fallbacks: number } };

describe('fallbacks', () => {
  it('goes down the list in order; each group retried first; the answer says how many fallbacks it took', async () => {
    const r = fakeRouter(groups('a', 'b', 'c'), { settings: { fallbacks: [{ a: ['b', 'c'] }], num_retries: 1, disable_cooldowns: true },
      answer: (d, p) => (d.modelName === 'c' ? { model: p.model } : providerError(500)) });
    const res = (await r.core.route('completion', { model: 'a', messages })) as Answer;
    expect(r.calls.map((d) => d.modelName)).toEqual(['a', 'a', 'b', 'b', 'c']);
    expect(res._hidden_params).toMatchObject({ model_group: 'c', attempted_fallbacks: 2 });
  });

  it("a fallback group's own fallbacks apply (a -> b -> c)", async () => {
    const r = fakeRouter(groups('a', 'b', 'c'), { settings: { fallbacks: [{ a: ['b'] }, { b: ['c'] }], num_retries: 0 },
      answer: (d, p) => (d.modelName === 'c' ? { model: p.model } : providerError(500)) });
    expect(((await r.core.route('completion', { model: 'a', messages })) as Answer)._hidden_params.model_group).toBe('c');
  });

  it('max_fallbacks bounds the hops; then the first group\'s error is raised', async () => {
    const r = fakeRouter(groups('a', 'b', 'c'), { settings: { fallbacks: [{ a: ['b', 'c'] }], num_retries: 0, max_fallbacks: 1 },
      answer: (d) => providerError(d.modelName === 'a' ? 503 : 500, `failed ${d.modelName}`) });
    await expect(r.core.route('completion', { model: 'a', messages })).rejects.toThrow('failed a');
    expect(r.calls.map((d) => d.modelName)).toEqual(['a', 'b']);
  });

  it('default_fallbacks (`*`) serve any group without its own', async () => {
    const r = fakeRouter(groups('a', 'z'), { settings: { default_fallbacks: ['z'], num_retries: 0 },
      answer: (d, p) => (d.modelName === 'z' ? { model: p.model } : providerError(500)) });
    expect(((await r.core.route('completion', { model: 'a', messages })) as Answer)._hidden_params.model_group).toBe('z');
  });

  it('disable_fallbacks on the request', async () => {
    const r = fakeRouter(groups('a', 'b'), { settings: { fallbacks: [{ a: ['b'] }], num_retries: 0 }, answer: () => providerError(500) });
    await r.core.route('completion', { model: 'a', messages, disable_fallbacks: true }).catch(() => undefined);
    expect(r.calls).toHaveLength(1);
  });

  it('context window: pre-call checks leave no deployment, context_window_fallbacks take the call', async () => {
    const list = [
      { model_name: 'small', litellm_params: { model: 'm-small' }, model_info: { max_input_tokens: 10 } },
      { model_name: 'big', litellm_params: { model: 'm-big' }, model_info: { max_input_tokens: 100000 } },
    ];
    const long = [{ role: 'user', content: 'word '.repeat(200) }];
    const r = fakeRouter(list, { settings: { enable_pre_call_checks: true, context_window_fallbacks: [{ small: ['big'] }] } });
    const res = (await r.core.route('completion', { model: 'small', messages: long })) as Answer;
    expect(res._hidden_params.model_group).toBe('big');
    expect(r.calls.map((d) => d.modelName)).toEqual(['big']);
    const none = fakeRouter(list, { settings: { enable_pre_call_checks: true } });
    await expect(none.core.route('completion', { model: 'small', messages: long })).rejects.toBeInstanceOf(ContextWindowExceededError);
  });

  // Ported from LiteLLM's tests/local_testing/test_router.py (MIT), expectations kept.
  it('test_router_context_window_check_pre_call_check_in_group_custom_model_info: max_input_tokens 100 vs 0', async () => {
    const r = fakeRouter([
      { model_name: 'gpt-3.5-turbo', litellm_params: { model: 'azure/chatgpt-v-2' }, model_info: { max_input_tokens: 100 } },
      { model_name: 'gpt-3.5-turbo', litellm_params: { model: 'gpt-3.5-turbo-1106' }, model_info: { max_input_tokens: 0 } },
    ], { settings: { enable_pre_call_checks: true, num_retries: 0 } });
    for (let i = 0; i < 10; i++) {
      const res = (await r.core.route('completion', { model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'Who was Alexander?' }] })) as { model: string };
      expect(res.model).toBe('azure/chatgpt-v-2');
    }
  });

  it('test_router_rpm_pre_call_check: with pre-call checks an rpm of 0 leaves no deployment', () => {
    const r = fakeRouter([{ model_name: 'fake-openai-endpoint', litellm_params: { model: 'openai/my-fake-model', rpm: 0 } }],
      { settings: { enable_pre_call_checks: true, num_retries: 0 } });
    expect(() => r.core.pick('fake-openai-endpoint', { messages })).toThrow(/No deployments available/);
  });

  it("a provider's context-window error goes to context_window_fallbacks, not retried", async () => {
    const r = fakeRouter(groups('a', 'big'), { settings: { context_window_fallbacks: [{ a: ['big'] }], fallbacks: [{ a: ['nope'] }] },
      answer: (d, p) => (d.modelName === 'a' ? providerError(400, "This model's maximum context length is 4097 tokens") : { model: p.model }) });
    const res = (await r.core.route('completion', { model: 'a', messages })) as Answer;
    expect(res._hidden_params.model_group).toBe('big');
    expect(r.calls.map((d) => d.modelName)).toEqual(['a', 'big']);
  });

  it('content policy: content_policy_fallbacks', async () => {
    const r = fakeRouter(groups('a', 'safe'), { settings: { content_policy_fallbacks: [{ a: ['safe'] }] },
      answer: (d, p) => (d.modelName === 'a' ? Object.assign(providerError(400, 'flagged'), { code: 'content_policy_violation' }) : { model: p.model }) });
    expect(((await r.core.route('completion', { model: 'a', messages })) as Answer)._hidden_params.model_group).toBe('safe');
  });

  it('order levels: order 1 first; when it fails, order 2 of the same group', async () => {
    const list = [
      { model_name: 'g', litellm_params: { model: 'primary', order: 1 } },
      { model_name: 'g', litellm_params: { model: 'backup', order: 2 } },
    ];
    const r = fakeRouter(list, { settings: { num_retries: 0 }, answer: (d, p) => (d.model === 'primary' ? providerError(500) : { model: p.model }) });
    for (let i = 0; i < 3; i++) expect(((await r.core.route('completion', { model: 'g', messages })) as { model: string }).model).toBe('backup');
    expect(r.calls.filter((d) => d.model === 'primary').length).toBeGreaterThan(0);
    const healthy = fakeRouter(list);
    for (let i = 0; i < 20; i++) expect(healthy.core.pick('g').model).toBe('primary');
  });

  it('aliases and deployment ids resolve; an unknown name is a 400', async () => {
    const r = fakeRouter([{ model_name: 'g', litellm_params: { model: 'x' }, model_info: { id: 'dep-1' } }],
      { settings: { model_group_alias: { 'gpt-4': 'g' } } });
    expect(r.core.pick('gpt-4').id).toBe('dep-1');
    expect(r.core.pick('dep-1').id).toBe('dep-1');
    await expect(r.core.route('completion', { model: 'nope', messages })).rejects.toMatchObject({ status: 400 });
  });

  it('a provider/* pattern routes any name it matches, with the matched part in the model', async () => {
    const r = fakeRouter([{ model_name: 'openai/*', litellm_params: { model: 'openai/*', api_key: 'k' } }]);
    const res = (await r.core.route('completion', { model: 'openai/gpt-4o-mini', messages })) as { model: string };
    expect(res.model).toBe('openai/gpt-4o-mini');
  });
});
