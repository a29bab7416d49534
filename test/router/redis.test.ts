// Router state shared through a real redis-server: usage-based limits exact across processes,
// cooldowns seen by the other processes within 1 s, and Redis killed mid-run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisState, RouterCore, parseRouterConfig, type Deployment } from '../../src/accelerators/router';
import { startRedis, type RedisServer } from '../ratelimit/redis-server';
import { join } from 'node:path';
import { runTogether } from '../procs';

const Redis = require('ioredis');
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

let n = 0;
const prefix = () => `t${process.pid}-${n++}:`;
const messages = [{ role: 'user', content: 'x' }];

function router(modelList: unknown[], settings: Record<string, unknown>, state: RedisState,
  answer: (d: Deployment) => unknown = () => ({ usage: { total_tokens: 1 } })): RouterCore {
  const fn = async (d: Deployment) => {
    const r = answer(d);
    if (r instanceof Error) throw r;
    return r;
  };
  return new RouterCore({ config: parseRouterConfig({ model_list: modelList, router_settings: settings }), state,
    calls: { completion: fn, embedding: fn } });
}

/** Waits until at least `ms` are left in the current UTC minute (the usage window). */
async function roomInMinute(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((r) => setTimeout(r, left + 50));
}

describe('usage-based-routing-v2 across processes', () => {
  it('4 processes on one Redis admit exactly each deployment\'s rpm in the minute', async () => {
    await roomInMinute(15_000);
    const rpms = [20, 30, 50];
    const answers = await runTogether<{ served: Record<string, number>; denied: number; errors: number }>(4, join(__dirname, 'fixtures', 'usage-child.ts'),
      [redis.url, prefix(), rpms.join(',')]);
    const total: Record<string, number> = {};
    for (const a of answers) {
      expect(a.errors).toBe(0);
      for (const [m, k] of Object.entries(a.served)) total[m] = (total[m] ?? 0) + k;
    }
    expect(total).toEqual({ m0: 20, m1: 30, m2: 50 });
    expect(answers.filter((a) => Object.keys(a.served).length > 0).length).toBeGreaterThan(1);
  }, 90_000);
});

describe('cooldowns', () => {
  it('a cooldown set in one router is seen by another within 1 s', async () => {
    const p = prefix();
    const list = ['a', 'b'].map((x) => ({ model_name: 'g', litellm_params: { model: x }, model_info: { id: x } }));
    const sa = new RedisState({ url: redis.url, keyPrefix: p });
    const sb = new RedisState({ url: redis.url, keyPrefix: p });
    const one = router(list, { num_retries: 0 }, sa, (d) => (d.id === 'a' ? Object.assign(new Error('nope'), { status: 401 }) : {}));
    const two = router(list, {}, sb);
    await new Promise((r) => setTimeout(r, 100));
    expect(two.pick('g')).toBeDefined();
    await one.route('completion', { model: 'a', messages }).catch(() => undefined);
    const t0 = Date.now();
    let seen = false;
    while (Date.now() - t0 < 1000 && !seen) {
      two.pick('g');
      seen = two.groupRuntime('g')!.isCooled(0);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toBe(true);
    for (let i = 0; i < 20; i++) expect(two.pick('g').id).toBe('b');
    await Promise.all([one.close(), two.close()]);
  });

  it('LiteLLM key layout: the cooldown is deployment:{id}:cooldown, as LiteLLM reads it', async () => {
    const s = new RedisState({ url: redis.url, keyLayout: 'litellm' });
    const list = ['x1', 'x2'].map((x) => ({ model_name: 'g', litellm_params: { model: x }, model_info: { id: `${x}-${process.pid}` } }));
    const r = router(list, { num_retries: 0, cooldown_time: 30 }, s, () => Object.assign(new Error('quota'), { status: 429 }));
    await r.route('completion', { model: `x1-${process.pid}`, messages }).catch(() => undefined);
    await new Promise((res) => setTimeout(res, 100));
    const c = new Redis(redis.url);
    const v = JSON.parse(await c.get(`deployment:x1-${process.pid}:cooldown`));
    expect(v).toMatchObject({ status_code: '429', cooldown_time: 30 });
    expect(v.timestamp).toBeCloseTo(Date.now() / 1000, -1);
    expect(await c.ttl(`deployment:x1-${process.pid}:cooldown`)).toBeGreaterThan(25);
    await c.quit();
    await r.close();
  });
});

describe('Redis killed mid-run', () => {
  it('routing goes on with local counts, one warning, and the counts reach Redis when it is back', async () => {
    const own = await startRedis();
    const warnings: string[] = [];
    const p = prefix();
    const state = new RedisState({ url: own.url, keyPrefix: p, warn: (m) => warnings.push(m), timeoutMs: 200 });
    const list = ['a', 'b'].map((x) => ({ model_name: 'g', litellm_params: { model: x, rpm: 1000 }, model_info: { id: x } }));
    const r = router(list, { routing_strategy: 'usage-based-routing-v2', num_retries: 0 }, state);
    await roomInMinute(20_000);
    await new Promise((res) => setTimeout(res, 100));
    for (let i = 0; i < 10; i++) await r.route('completion', { model: 'g', messages });
    await own.stop();
    for (let i = 0; i < 30; i++) await r.route('completion', { model: 'g', messages });
    expect(warnings).toHaveLength(1);
    expect(state.down).toBe(true);
    await own.start();
    const c = new Redis(own.url);
    const window = Math.floor(Date.now() / 60_000);
    const sum = async (): Promise<number> => Number(await c.get(`${p}u:a:${window}:rpm`) ?? 0) + Number(await c.get(`${p}u:b:${window}:rpm`) ?? 0);
    const t0 = Date.now();
    // Redis came back empty: what this process counted during the outage is sent again as it routes.
    while (Date.now() - t0 < 5000 && (await sum()) < 30) {
      await r.route('completion', { model: 'g', messages });
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(await sum()).toBeGreaterThanOrEqual(30);
    expect(warnings).toHaveLength(1);
    await c.quit();
    await r.close();
    await own.stop();
  }, 30_000);
});
