// Cooldown rules, ported from LiteLLM's own tests (MIT, github BerriAI/litellm):
//   tests/router_unit_tests/test_router_cooldown_utils.py  (the _should_cooldown_deployment cases)
//   tests/local_testing/test_router_cooldowns.py           (single-deployment and high-traffic cases)
// Each case keeps the expectation of the LiteLLM test named above it.
import { describe, expect, it } from 'vitest';
import { classify, cooldownApplies, defaultSettings, shouldCooldown, toDeployment, type RouterSettings } from '../../src/accelerators/router';
import { fakeRouter, messages, providerError } from './helpers';

const settings = (s: Partial<RouterSettings> = {}): RouterSettings => ({ ...defaultSettings(), ...s });
const facts = (status: number, groupSize: number, successes: number, fails: number, recentFails = fails) => ({
  e: classify(providerError(status)), groupSize, successes, fails, recentFails,
});
const dep = toDeployment({ model_name: 'g', litellm_params: { model: 'm' } });

describe('LiteLLM test_router_cooldown_utils.py', () => {
  it('test_should_run_cooldown_logic: not with disable_cooldowns, not for a provider-default (wildcard) deployment', () => {
    const e = classify(providerError(500));
    expect(cooldownApplies(dep, e, 5, settings({ disable_cooldowns: true }))).toBe(false);
    expect(cooldownApplies(dep, e, 5, settings())).toBe(true);
    const wildcard = toDeployment({ model_name: 'openai/*', litellm_params: { model: 'openai/*' } });
    expect(cooldownApplies(wildcard, e, 5, settings())).toBe(false);
  });

  it('test_should_cooldown_deployment_rate_limit_error: a 429 cools a deployment with siblings', () => {
    expect(shouldCooldown(facts(429, 2, 0, 1), settings())).toBe(true);
  });

  it('test_should_cooldown_deployment_auth_limit_error: a 401 always cools', () => {
    expect(shouldCooldown(facts(401, 1, 0, 1), settings())).toBe(true);
  });

  it('test_should_cooldown_deployment: 41 failures after 40 successes (51%) cool', () => {
    expect(shouldCooldown(facts(500, 2, 40, 41), settings())).toBe(true);
    expect(shouldCooldown(facts(500, 2, 40, 40), settings())).toBe(false);
  });

  it('test_should_cooldown_deployment_allowed_fails_set_on_router: 100 allowed, the 101st cools', () => {
    const s = settings({ allowed_fails: 100 });
    for (let i = 1; i <= 100; i++) expect(shouldCooldown(facts(500, 1, 0, i, i), s)).toBe(false);
    expect(shouldCooldown(facts(500, 1, 0, 101, 101), s)).toBe(true);
  });

  it('test_should_cooldown_high_traffic_all_fails: every call failing at high traffic cools a single deployment', () => {
    expect(shouldCooldown(facts(500, 1, 0, 1001), settings())).toBe(true);
  });

  it('test_no_cooldown_low_traffic: 3 failures of 3 do not cool a single deployment', () => {
    expect(shouldCooldown(facts(500, 1, 0, 3), settings())).toBe(false);
  });

  it('test_cooldown_rate_limit: a 429 does not cool a single-deployment group', () => {
    expect(shouldCooldown(facts(429, 1, 0, 1), settings())).toBe(false);
  });

  it('test_mixed_success_failure: 3 failures and 7 successes do not cool', () => {
    expect(shouldCooldown(facts(500, 1, 7, 3), settings())).toBe(false);
  });

  it('test_is_cooldown_required_empty_string_exception_status: no status (a connection error) never cools', () => {
    expect(cooldownApplies(dep, classify(new Error('ECONNREFUSED')), 5, settings())).toBe(false);
  });

  it('test_should_cooldown_deployment_minimum_request_threshold: 1 failure of 1 no, 5 of 5 yes (issue 17418)', () => {
    expect(shouldCooldown(facts(500, 2, 0, 1), settings())).toBe(false);
    expect(shouldCooldown(facts(500, 2, 0, 5), settings())).toBe(true);
  });
});

const three = ['a', 'b', 'c'].map((x) => ({ model_name: 'gpt-3.5-turbo', litellm_params: { model: 'gpt-3.5-turbo', api_base: `https://${x}.example` } }));

function cooled(core: ReturnType<typeof fakeRouter>['core'], group: string): string[] {
  const g = core.groupRuntime(group)!;
  return g.deployments.filter((_, pos) => g.isCooled(pos)).map((d) => d.id);
}

describe('LiteLLM test_router_cooldowns.py', () => {
  it('test_cooldown_badrequest_error: a 400 never cools (allowed_fails 0)', async () => {
    const { core } = fakeRouter([three[0]], { settings: { cooldown_time: 300, num_retries: 0, allowed_fails: 0 },
      answer: () => providerError(400, 'bad param') });
    await expect(core.route('completion', { model: 'gpt-3.5-turbo', messages })).rejects.toThrow('bad param');
    expect(cooled(core, 'gpt-3.5-turbo')).toEqual([]);
  });

  it('test_cooldown_time_zero_uses_zero_not_default: a deployment cooldown_time of 0 means no cooldown', async () => {
    const { core } = fakeRouter([
      { model_name: 'gpt-3.5-turbo', litellm_params: { model: 'gpt-3.5-turbo', cooldown_time: 0 } },
      { model_name: 'gpt-3.5-turbo', litellm_params: { model: 'gpt-4' } },
    ], { settings: { cooldown_time: 300, num_retries: 0 }, answer: (d) => (d.model === 'gpt-3.5-turbo' ? providerError(429) : undefined) });
    for (let i = 0; i < 6; i++) await core.route('completion', { model: 'gpt-3.5-turbo', messages }).catch(() => undefined);
    expect(core.stats().cooldowns).toBe(0);
  });

  it.each([[1, 0], [2, 1]])('test_single_deployment_no_cooldowns: %i deployment(s), a 429 cools %i', async (n, expected) => {
    const list = Array.from({ length: n }, (_, i) => ({ model_name: 'gpt-3.5-turbo', litellm_params: { model: 'gpt-3.5-turbo', api_base: `https://${i}.x` } }));
    const { core } = fakeRouter(list, { settings: { num_retries: 0 }, answer: () => providerError(429) });
    await core.route('completion', { model: 'gpt-3.5-turbo', messages }).catch(() => undefined);
    expect(core.stats().cooldowns).toBe(expected);
  });

  it('test_single_deployment_no_cooldowns_test_prod_mock_completion_calls: 20 x 429 on a single deployment, no cooldown', async () => {
    const { core } = fakeRouter([three[0], { model_name: 'gpt-5', litellm_params: { model: 'openai/gpt-5' } }],
      { answer: (d) => (d.model === 'gpt-3.5-turbo' ? providerError(429) : undefined) });
    for (let i = 0; i < 20; i++) await core.route('completion', { model: 'gpt-3.5-turbo', messages, num_retries: 0 }).catch(() => undefined);
    expect(cooled(core, 'gpt-3.5-turbo')).toEqual([]);
  });

  it('test_single_deployment_cooldown_with_allowed_fails: allowed_fails 1, two timeouts cool once', async () => {
    const { core } = fakeRouter([three[0]], { settings: { allowed_fails: 1, num_retries: 0 }, answer: () => providerError(408, 'timeout') });
    for (let i = 0; i < 2; i++) await core.route('completion', { model: 'gpt-3.5-turbo', messages }).catch(() => undefined);
    expect(core.stats().cooldowns).toBe(1);
  });

  it('test_single_deployment_cooldown_with_allowed_fail_policy: TimeoutErrorAllowedFails 1, two timeouts cool once', async () => {
    const { core } = fakeRouter([three[0]], {
      settings: { allowed_fails_policy: { TimeoutErrorAllowedFails: 1 }, num_retries: 0 },
      answer: () => providerError(408, 'timeout'),
    });
    for (let i = 0; i < 2; i++) await core.route('completion', { model: 'gpt-3.5-turbo', messages }).catch(() => undefined);
    expect(core.stats().cooldowns).toBe(1);
  });

  it('test_dynamic_cooldowns: cooldown_time=0 on the request means no cooldown', async () => {
    const { core } = fakeRouter([three[0], three[1]], { answer: () => providerError(429) });
    await core.route('completion', { model: 'gpt-3.5-turbo', messages, num_retries: 0, cooldown_time: 0 }).catch(() => undefined);
    expect(core.stats().cooldowns).toBe(0);
  });

  async function traffic(bad: 'none' | 'errors' | 'rate-limits'): Promise<number> {
    // LiteLLM's model_stats loop, with a seeded die: 100 calls by deployment id, 25% (or 60%) failing.
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const stats = new Map<string, { s: number; f: number }>();
    const { core } = fakeRouter(three, {
      answer: (d) => {
        const st = stats.get(d.id) ?? { s: 0, f: 0 };
        stats.set(d.id, st);
        const total = st.s + st.f;
        const isBad = bad !== 'none' && d.litellmParams.api_base === 'https://b.example';
        const failing = total > 0 && (isBad ? st.f / total <= 0.6 : st.f / total <= 0.25 && rnd() >= 0.5);
        if (failing) st.f++;
        else st.s++;
        return failing ? providerError(isBad && bad === 'rate-limits' ? 429 : 500) : undefined;
      },
    });
    const ids = core.modelList().map((d) => (d.model_info as { id: string }).id);
    for (let i = 0; i < 100; i++) {
      await core.route('completion', { model: ids[Math.floor(rnd() * 3)], messages, num_retries: 0 }).catch(() => undefined);
    }
    return cooled(core, 'gpt-3.5-turbo').length;
  }

  it('test_high_traffic_cooldowns_all_healthy_deployments: 3 deployments failing <= 25%, none cooled', async () => {
    expect(await traffic('none')).toBe(0);
  });

  it('test_high_traffic_cooldowns_one_bad_deployment: one failing 60% is cooled', async () => {
    expect(await traffic('errors')).toBe(1);
  });

  it('test_high_traffic_cooldowns_one_rate_limited_deployment: one answering 429s is cooled', async () => {
    expect(await traffic('rate-limits')).toBe(1);
  });
});

describe('cooldown time and expiry', () => {
  it('the deployment cooldown_time, else Retry-After, else the router cooldown_time; the deployment is back after it', async () => {
    const { core, clock } = fakeRouter(three, { settings: { cooldown_time: 7 },
      answer: (d) => (d.litellmParams.api_base === 'https://a.example' ? providerError(429, 'slow down', { 'retry-after': '2' }) : undefined) });
    const g = core.groupRuntime('gpt-3.5-turbo')!;
    await core.route('completion', { model: g.deployments[0].id, messages, num_retries: 0 }).catch(() => undefined);
    expect(g.isCooled(0)).toBe(true);
    expect(g.cooldownUntil[0] - clock.t).toBe(2000);
    clock.advance(2001);
    core.pick('gpt-3.5-turbo');
    expect(g.isCooled(0)).toBe(false);
  });
});
