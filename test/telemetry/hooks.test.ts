import { describe, expect, it } from 'vitest';
import {
  CallLimits, clearScopeResults, lastScopeResults, RateLimitError, type Admission, type Scope,
} from '../../src/accelerators/ratelimit';
import { RouterCore, parseRouterConfig, type Deployment, type RouterObserver } from '../../src/accelerators/router';
import { Clock, fakeRouter, messages, ok, providerError } from '../router/helpers';

// The two hooks telemetry reads: the router's observer (outcomes, cooldowns, fallbacks as it decides
// them) and the rate limits' last results per scope. Neither changes a decision.

type Event = [string, ...unknown[]];

function recorder(): { events: Event[]; observer: RouterObserver } {
  const events: Event[] = [];
  return {
    events,
    observer: {
      onOutcome: (d, outcome, errorClass, status) => events.push(['outcome', d.id, outcome, errorClass, status]),
      onCooldown: (d, until) => events.push(['cooldown', d.id, until]),
      onFallback: (from, to, okay) => events.push(['fallback', from, to, okay]),
    },
  };
}

class ProviderRateLimitError extends Error {
  readonly status = 429;
}

describe('the router observer', () => {
  it('is told each outcome (a failure by class and status), the cooldown with its end, and each fallback', async () => {
    const list = [
      { model_name: 'main', litellm_params: { model: 'openai/a', api_key: 'k1' }, model_info: { id: 'a' } },
      { model_name: 'main', litellm_params: { model: 'openai/b', api_key: 'k2' }, model_info: { id: 'b' } },
      { model_name: 'spare', litellm_params: { model: 'openai/c' }, model_info: { id: 'c' } },
    ];
    const clock = new Clock();
    const { core } = fakeRouter(list, {
      settings: { num_retries: 0, fallbacks: [{ main: ['spare'] }], cooldown_time: 30 },
      answer: (d, p) => (d.modelName === 'main' ? new ProviderRateLimitError('slow down') : ok(d, p)),
    }, clock);
    const { events, observer } = recorder();
    core.observer = observer;
    expect(core.observer).toBe(observer);
    const r = await core.route('completion', { model: 'main', messages });
    expect(r).toMatchObject({ model: 'openai/c' });
    const first = events[0] as [string, string, ...unknown[]];
    expect(first.slice(0, 5)).toEqual(['outcome', first[1], 'failure', 'ProviderRateLimitError', 429]);
    // A 429 in a group with siblings cools the deployment at once, for the cooldown time.
    expect(events[1]).toEqual(['cooldown', first[1], clock.t + 30_000]);
    expect(events.slice(2)).toEqual([['outcome', 'c', 'success', undefined, undefined], ['fallback', 'main', 'spare', true]]);
  });

  it('a fallback that fails too is told as failed; an observer that throws changes nothing', async () => {
    const list = [
      { model_name: 'main', litellm_params: { model: 'openai/a' }, model_info: { id: 'a' } },
      { model_name: 'spare', litellm_params: { model: 'openai/c' }, model_info: { id: 'c' } },
    ];
    const settings = { num_retries: 0, fallbacks: [{ main: ['spare'] }] };
    const answer = (): Error => providerError(500);
    const { core } = fakeRouter(list, { settings, answer });
    const { events, observer } = recorder();
    core.observer = observer;
    const err = await core.route('completion', { model: 'main', messages }).catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(500);
    expect(events).toContainEqual(['fallback', 'main', 'spare', false]);
    expect(events.filter((e) => e[0] === 'outcome').map((e) => e[2])).toEqual(['failure', 'failure']);

    const throwing: RouterObserver = { onOutcome() { throw new Error('observer down'); },
      onFallback() { throw new Error('observer down'); } };
    const plain = fakeRouter(list, { settings, answer }).core;
    const watched = fakeRouter(list, { settings, answer }).core;
    watched.observer = throwing;
    const [a, b] = await Promise.all([plain, watched].map((c) =>
      c.route('completion', { model: 'main', messages }).catch((e: Error) => e)));
    expect((b as Error).message).toBe((a as Error).message);
    expect(watched.stats()).toEqual(plain.stats());
  });

  it('nobody watches by default; an observer given in the options is used', async () => {
    const list = [{ model_name: 'g', litellm_params: { model: 'openai/x' }, model_info: { id: 'x' } }];
    expect(fakeRouter(list).core.observer).toBeUndefined();
    const { events, observer } = recorder();
    const core = new RouterCore({
      config: parseRouterConfig({ model_list: list }),
      calls: { completion: async (d: Deployment, p: Record<string, unknown>) => ok(d, p) },
      observer,
    });
    await core.route('completion', { model: 'g', messages });
    expect(events).toEqual([['outcome', 'x', 'success', undefined, undefined]]);
  });
});

describe('the rate limits\' last results', () => {
  it('an admitted call and a denial leave what each scope said, per model, as the headers say it', () => {
    clearScopeResults();
    const limits = new CallLimits({ models: { m: { rpm: 3, tpm: 1000 } }, perPair: { rpm: 10 } });
    const scopes = limits.scopes('m', 'hash');
    // In memory and without waits, admit() answers at once (no promise).
    const admit = (s: Scope[], tokens: number): Admission => limits.admit(s, tokens) as Admission;
    admit(scopes, 100).settle(100);
    const view = lastScopeResults();
    expect(view).toEqual(expect.arrayContaining([
      { scope: 'model', model: 'm', remainingRequests: 2, remainingTokens: 900 },
      { scope: 'model_per_key', model: 'm', remainingRequests: 9, remainingTokens: undefined },
    ]));
    expect(Object.isFrozen(view[0])).toBe(true);
    admit(scopes, 0).settle();
    admit(scopes, 0).settle();
    let denied: unknown;
    try {
      admit(scopes, 0);
    } catch (err) {
      denied = err;
    }
    expect(denied).toBeInstanceOf(RateLimitError);
    expect(lastScopeResults().find((r) => r.scope === 'model')).toMatchObject({ remainingRequests: 0 });
    void limits.close();
  });

  it('scopes without rpm or tpm, and calls that are not checked, leave nothing', () => {
    clearScopeResults();
    const limits = new CallLimits({ perPair: { maxParallel: 2 } });
    (limits.admit(limits.scopes('m', 'hash'), 0) as Admission).settle();
    expect(lastScopeResults()).toEqual([]);
    void limits.close();
  });
});
