// The five strategies. Cases named test_* are ported from LiteLLM's own tests (MIT, BerriAI/litellm),
// expectations kept: tests/router_unit_tests/test_simple_shuffle.py, tests/local_testing/
// test_lowest_latency_routing.py, tests/local_testing/test_tpm_rpm_routing_v2.py.
import { describe, expect, it } from 'vitest';
import { NoDeploymentsAvailableError } from '../../src/accelerators/router';
import { Clock, fakeRouter, messages, seeded } from './helpers';

const two = (extra: Record<string, unknown>[] = [{}, {}], info: Record<string, unknown>[] = [{ id: '1234' }, { id: '5678' }]) =>
  extra.map((e, i) => ({ model_name: 'gpt-3.5-turbo', litellm_params: { model: 'azure/gpt-4.1-mini', ...e }, model_info: info[i] }));

/** Picks per deployment id over n picks. */
function share(pick: () => string, n = 10_000): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const id = pick();
    out[id] = (out[id] ?? 0) + 1;
  }
  return out;
}

describe('simple-shuffle', () => {
  it('picks by weight, else rpm, else tpm, else uniformly', () => {
    for (const field of ['weight', 'rpm', 'tpm']) {
      const { core } = fakeRouter(two([{ [field]: 9 }, { [field]: 1 }]), { random: seeded(3) });
      const s = share(() => core.pick('gpt-3.5-turbo').id);
      expect(s['1234']).toBeGreaterThan(8700);
      expect(s['1234']).toBeLessThan(9300);
    }
    const { core } = fakeRouter(two(), { random: seeded(4) });
    const s = share(() => core.pick('gpt-3.5-turbo').id);
    expect(s['1234']).toBeGreaterThan(4700);
    expect(s['1234']).toBeLessThan(5300);
  });

  it('test_weight_on_second_deployment_triggers_weighted_pick: a weight on the second alone makes the pick weighted (#33329)', () => {
    const { core } = fakeRouter(two([{}, { weight: 1 }]), { random: seeded(5) });
    expect(share(() => core.pick('gpt-3.5-turbo').id, 1000)).toEqual({ '5678': 1000 });
  });

  it('test_reversed_deployment_order_same_result', () => {
    const { core } = fakeRouter(two([{ weight: 1 }, {}]), { random: seeded(6) });
    expect(share(() => core.pick('gpt-3.5-turbo').id, 1000)).toEqual({ '1234': 1000 });
  });

  it('a cooled weighted deployment drops out; the rest are picked by the next field', async () => {
    const { core } = fakeRouter(two([{ weight: 1, rpm: 1 }, { rpm: 3 }]), { random: seeded(7) });
    core.groupRuntime('gpt-3.5-turbo')!.cool(0, Date.now() * 2, 5);
    expect(share(() => core.pick('gpt-3.5-turbo').id, 100)).toEqual({ '5678': 100 });
  });
});

/** LiteLLM's log_success_event with start/end times: a sample of `seconds` for a deployment. */
function sample(core: ReturnType<typeof fakeRouter>['core'], id: string, seconds: number, ttft?: number, clock?: Clock): void {
  const g = core.groupRuntime('gpt-3.5-turbo')!;
  const pos = g.deployments.findIndex((d) => d.id === id);
  g.addLatency(pos, seconds, ttft, clock?.t ?? Date.now());
}

describe('latency-based-routing', () => {
  const settings = { routing_strategy: 'latency-based-routing' };

  it('test_get_available_deployments: the faster deployment (3 s vs 2 s)', () => {
    const { core, clock } = fakeRouter(two(), { settings });
    sample(core, '1234', 3, undefined, clock);
    sample(core, '5678', 2, undefined, clock);
    expect(core.pick('gpt-3.5-turbo').id).toBe('5678');
  });

  it.each([[1, null], [5, '1234']])('test_get_available_endpoints_tpm_rpm_check: rpm %i -> %s', (ansRpm, ans) => {
    const { core } = fakeRouter(two([{}, {}], [{ id: '1234', rpm: ansRpm }, { id: '5678', rpm: 3 }]), { settings });
    const g = core.groupRuntime('gpt-3.5-turbo')!;
    for (let i = 0; i < 3; i++) {
      g.addUsage(0, 1, 50);
      g.addUsage(1, 1, 20);
    }
    sample(core, '1234', 0.01);
    sample(core, '5678', 0.5);
    if (ans === null) expect(() => core.pick('gpt-3.5-turbo')).toThrow(NoDeploymentsAvailableError);
    else expect(core.pick('gpt-3.5-turbo').id).toBe(ans);
  });

  it.each([[0, 1], [1, 2]])('test_lowest_latency_routing_buffer: buffer %i -> %i deployments used', (buffer, used) => {
    const strategy = { lowest_latency_buffer: buffer };
    const { core } = fakeRouter(two(), { settings: { ...settings, routing_strategy_args: strategy } });
    sample(core, '1234', 3);
    sample(core, '5678', 2);
    expect(Object.keys(share(() => core.pick('gpt-3.5-turbo').id, 50))).toHaveLength(used);
  });

  it('test_lowest_latency_routing_time_to_first_token: streams go by time to first token, others by total time', () => {
    const { core } = fakeRouter(two(), { settings });
    // 50 completion tokens: 1 s to first token, 4 s total; vs 3 s and 3 s.
    sample(core, '1234', 4 / 50, 1 / 50);
    sample(core, '5678', 3 / 50, 3 / 50);
    expect(share(() => core.pick('gpt-3.5-turbo').id, 3)).toEqual({ '5678': 3 });
    expect(share(() => core.pick('gpt-3.5-turbo', { stream: true }).id, 50)).toEqual({ '1234': 50 });
  });

  it('test_latency_list_trimming_discards_oldest_entry: the window keeps the newest samples', () => {
    const strategy = { max_latency_list_size: 3 };
    const { core } = fakeRouter(two(), { settings: { ...settings, routing_strategy_args: strategy } });
    for (const s of [1, 2, 3, 4]) sample(core, '1234', s);
    expect(core.groupRuntime('gpt-3.5-turbo')!.latencyMean(0)).toBe(3);
  });

  it('samples older than ttl leave the window (a real sliding window in time too)', () => {
    const { core, clock } = fakeRouter(two(), { settings: { ...settings, routing_strategy_args: { ttl: 10 } } });
    sample(core, '1234', 1, undefined, clock);
    sample(core, '5678', 2, undefined, clock);
    expect(core.pick('gpt-3.5-turbo').id).toBe('1234');
    clock.advance(5000);
    sample(core, '1234', 5, undefined, clock);
    clock.advance(6000);
    // 1234's 1 s sample aged out, its 5 s one is left; 5678 has no sample left: unsampled go first.
    expect(core.pick('gpt-3.5-turbo').id).toBe('5678');
  });

  it('test_lowest_latency_routing_first_pick: with no samples, picks spread over the deployments', () => {
    const list = [1, 2, 3, 4].map((i) => ({ model_name: 'azure-model', litellm_params: { model: `openai/fast-endpoint-${i}` } }));
    const { core } = fakeRouter(list, { settings, random: seeded(9) });
    const ids = new Set(Array.from({ length: 10 }, () => core.pick('azure-model').id));
    expect(ids.size).toBeGreaterThan(1);
  });

  it('test_lowest_latency_routing_with_timeouts: after a timeout (a 1000 s penalty sample) calls go to the other', async () => {
    const clock = new Clock();
    const { core } = fakeRouter([
      { model_name: 'azure-model', litellm_params: { model: 'openai/slow-endpoint' }, model_info: { id: 'slow-endpoint' } },
      { model_name: 'azure-model', litellm_params: { model: 'openai/fast-endpoint' }, model_info: { id: 'fast-endpoint' } },
    ], { settings: { ...settings, num_retries: 0, disable_cooldowns: true },
      answer: (d) => {
        if (d.id === 'slow-endpoint') return Object.assign(new Error('Request timed out'), { status: 408 });
        clock.advance(200);
        return { choices: [], usage: { total_tokens: 5, completion_tokens: 1 } };
      } }, clock);
    for (let i = 0; i < 4; i++) await core.route('completion', { model: 'azure-model', messages }).catch(() => undefined);
    const served: Record<string, number> = {};
    for (let i = 0; i < 10; i++) {
      const r = (await core.route('completion', { model: 'azure-model', messages })) as { _hidden_params: { model_id: string } };
      served[r._hidden_params.model_id] = (served[r._hidden_params.model_id] ?? 0) + 1;
    }
    expect(served).toEqual({ 'fast-endpoint': 10 });
  });
});

describe('usage-based-routing-v2', () => {
  const settings = { routing_strategy: 'usage-based-routing-v2' };

  it('test_get_available_deployments: the lowest tpm this minute', () => {
    const { core } = fakeRouter(two(), { settings });
    const g = core.groupRuntime('gpt-3.5-turbo')!;
    g.addUsage(0, 1, 50);
    g.addUsage(1, 1, 20);
    expect(core.pick('gpt-3.5-turbo', { input: ['Hello world'] }).id).toBe('5678');
  });

  it('test_router_skip_rate_limited_deployments: a call that would pass the tpm finds no deployment', () => {
    const { core } = fakeRouter(two([{ tpm: 1440 }], [{ id: '1' }]).slice(0, 1), { settings });
    core.groupRuntime('gpt-3.5-turbo')!.addUsage(0, 1, 1439);
    expect(() => core.pick('gpt-3.5-turbo', { messages })).toThrow(/No deployments available/);
  });

  it('test_multiple_potential_deployments: equal usage, both are picked', async () => {
    const { core } = fakeRouter(two([{ tpm: 1440 }, { tpm: 1440 }]), { settings });
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) ids.add(core.pick('gpt-3.5-turbo', { messages }).id);
    expect(ids.size).toBe(2);
  });

  it('test_single_deployment_tpm_zero: tpm 0 admits nothing', () => {
    const { core } = fakeRouter(two([{ tpm: 0 }]).slice(0, 1), { settings });
    expect(() => core.pick('gpt-3.5-turbo', { messages })).toThrow(/No deployments available/);
  });

  it('rpm is a limit: exactly rpm calls a minute per deployment (LiteLLM issue 7395 never applied it), then the next minute', async () => {
    const { core, clock } = fakeRouter(two([{ rpm: 2 }, { rpm: 3 }]), { settings: { ...settings, num_retries: 0 } });
    clock.t = Math.floor(clock.t / 60_000) * 60_000;
    const served: Record<string, number> = {};
    for (let i = 0; i < 7; i++) {
      try {
        const r = (await core.route('completion', { model: 'gpt-3.5-turbo', messages })) as { _hidden_params: { model_id: string } };
        served[r._hidden_params.model_id] = (served[r._hidden_params.model_id] ?? 0) + 1;
      } catch (e) {
        expect(e).toBeInstanceOf(NoDeploymentsAvailableError);
      }
    }
    expect(served).toEqual({ '1234': 2, '5678': 3 });
    clock.advance(60_000);
    await expect(core.route('completion', { model: 'gpt-3.5-turbo', messages })).resolves.toBeDefined();
  });
});

describe('least-busy and cost-based-routing', () => {
  it('least-busy: the deployment with fewest calls in flight', async () => {
    const { core } = fakeRouter(two(), { settings: { routing_strategy: 'least-busy' } });
    const g = core.groupRuntime('gpt-3.5-turbo')!;
    g.addBusy(0, 2);
    expect(core.pick('gpt-3.5-turbo').id).toBe('5678');
    g.addBusy(1, 3);
    expect(core.pick('gpt-3.5-turbo').id).toBe('1234');
  });

  it('cost-based-routing: the lowest input + output cost, skipping one over its rpm', () => {
    const { core } = fakeRouter(two([
      { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002, rpm: 1 },
      { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 },
    ]), { settings: { routing_strategy: 'cost-based-routing' } });
    expect(core.pick('gpt-3.5-turbo').id).toBe('1234');
    core.groupRuntime('gpt-3.5-turbo')!.addUsage(0, 1, 0);
    expect(core.pick('gpt-3.5-turbo').id).toBe('5678');
  });
});
