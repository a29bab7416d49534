import { mulberry32 } from '../../src/mock/content';
import { RouterCore, parseRouterConfig, type CallFn, type Deployment, type RouterState } from '../../src/accelerators/router';

// A router over fake deployments: each call goes to `answer(deployment, params)`, the clock and
// the dice are the test's own.

export interface FakeOptions {
  settings?: Record<string, unknown>;
  answer?: (d: Deployment, params: Record<string, unknown>) => unknown;
  state?: RouterState;
  random?: () => number;
}

export class Clock {
  t = 1_700_000_000_000;
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export function providerError(status: number, message = `error ${status}`, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), { status, headers });
}

export function ok(d: Deployment, params: Record<string, unknown>): unknown {
  return { model: params.model, choices: [{ message: { role: 'assistant', content: 'hi' } }], usage: { total_tokens: 10, completion_tokens: 2 } };
}

export function fakeRouter(modelList: unknown[], o: FakeOptions = {}, clock = new Clock()) {
  const calls: Deployment[] = [];
  const fn: CallFn = async (d, params) => {
    calls.push(d);
    const r = (o.answer ?? ok)(d, params);
    if (r instanceof Error) throw r;
    return r;
  };
  const core = new RouterCore({
    config: parseRouterConfig({ model_list: modelList, router_settings: o.settings ?? {} }),
    calls: { completion: fn, embedding: fn },
    now: clock.now,
    state: o.state,
    random: o.random,
  });
  return { core, calls, clock };
}

export const messages = [{ role: 'user', content: 'Hey, how is it going?' }];

/** A seeded PRNG (the mock's mulberry32): distributions checked without flaky draws. */
export const seeded = (seed = 1): (() => number) => mulberry32(seed);
