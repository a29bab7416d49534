// Router. There is no router for litellm in Node to compare with, so the pick rows time LiteLLM's own
// selection code ported line for line (./_router-litellm.ts) against ours on the same deployments
// and state, equal picks checked first; the end-to-end rows run real HTTP to embedded mock servers.
// LiteLLM's published figures for its Python selection (issue 21270): 0.58 ms at 100 deployments,
// 15 ms at 500, 51 ms at 1000.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { RedisState, RouterCore, parseRouterConfig, type StrategyName } from '../../src/accelerators/router';
import { unwrap } from '../../src/shims/guard';
import { Router, startMockServer, type MockServer } from '../../src/index';
import { REDIS_BIN, startRedis } from '../../test/ratelimit/redis-server';
import { runTogether } from '../../test/procs';
import { RowSkipped } from '../lib/skip';
import { summarize } from '../lib/stats';
import type { BenchRow, CustomResult, FnRow, RowContext, SampleSummary } from '../lib/types';

const USAGE_CHILD = join(__dirname, '..', '..', 'test', 'router', 'fixtures', 'usage-child.ts');
import * as L from './_router-litellm';

const require = createRequire(__filename);
const SIZES = [10, 100, 1000];

/** Per-op ns samples: batches of about 2 ms until the budget is spent (at least 7 batches). */
async function timeIt(fn: () => unknown, budgetMs: number): Promise<number[]> {
  // A synchronous function is timed in a plain loop: an await per op would cost more than a pick.
  const sync = !(fn() instanceof Promise);
  const run: (k: number) => void | Promise<void> = sync
    ? (k: number) => {
      for (let i = 0; i < k; i++) fn();
    }
    : async (k: number) => {
      for (let i = 0; i < k; i++) await fn();
    };
  let batch = 1;
  for (;;) {
    const t = performance.now();
    await run(batch);
    if (performance.now() - t >= 2 || batch >= 1 << 16) break;
    batch *= 2;
  }
  const out: number[] = [];
  const end = performance.now() + budgetMs;
  while (out.length < 7 || performance.now() < end) {
    const t = performance.now();
    await run(batch);
    out.push(((performance.now() - t) * 1e6) / batch);
    if (out.length > 2000) break;
  }
  return out;
}

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MINUTE = '12-00';

/** n deployments of group g with distinct state: each strategy then has one best choice (equal picks checkable). */
function setup(strategy: StrategyName, n: number, random: () => number) {
  const deps: L.Dep[] = Array.from({ length: n }, (_, i) => ({
    model_name: 'g',
    litellm_params: {
      model: `m${i}`, weight: 1 + (i % 5),
      input_cost_per_token: 1e-6 * (1 + ((i * 7) % n)), output_cost_per_token: 1e-6,
    },
    model_info: { id: `d${i}` },
  }));
  const config = parseRouterConfig({ model_list: deps, router_settings: { routing_strategy: strategy } });
  const core = new RouterCore({ config, calls: {}, random });
  const g = core.groupRuntime('g')!;
  const now = Date.now();
  const best = Math.floor(n / 2);
  const latencyMap: Record<string, { latency: number[] } & Record<string, unknown>> = {};
  const busy: Record<string, number> = {};
  const tpmValues: number[] = [];
  deps.forEach((d, pos) => {
    const lat = pos === best ? 0.05 : 0.1 + pos * 1e-4;
    g.addLatency(pos, lat, undefined, now);
    latencyMap[d.model_info.id] = { latency: [lat], [MINUTE]: { tpm: 0, rpm: 0 } };
    const b = pos === best ? 0 : 1 + (pos % 3);
    g.addBusy(pos, b);
    busy[d.model_info.id] = b;
    const tpm = pos === best ? 10 : 100 + pos;
    g.addUsage(pos, 0, tpm);
    tpmValues.push(tpm);
  });
  const costMap: Record<string, Record<string, { tpm: number; rpm: number }>> = {};
  const tpmKeys = deps.map((d) => `${d.model_info.id}:tpm:${MINUTE}`);
  const rpmKeys = deps.map((d) => `${d.model_info.id}:rpm:${MINUTE}`);
  const rpmValues = deps.map(() => null);
  const ports: Record<StrategyName, (r: () => number) => L.Dep | undefined> = {
    'simple-shuffle': (r) => L.simpleShuffle(L.healthy(deps, []), r),
    'least-busy': (r) => L.leastBusy(L.healthy(deps, []), busy, r),
    'latency-based-routing': (r) => L.lowestLatency(L.healthy(deps, []), latencyMap, MINUTE, 0, 0, r),
    'usage-based-routing-v2': (r) =>
      L.lowestTpm(L.healthy(deps, []), tpmKeys, tpmValues, rpmKeys, rpmValues, MINUTE, 0, r),
    'cost-based-routing': () => L.lowestCost(L.healthy(deps, []), costMap, MINUTE, 0),
  };
  return { core, port: ports[strategy] };
}

const STRATEGY_LIST: StrategyName[] = ['simple-shuffle', 'least-busy', 'usage-based-routing-v2',
  'latency-based-routing', 'cost-based-routing'];

const pickRow: BenchRow = {
  kind: 'custom',
  id: 'router.pick',
  name: 'router pick, in memory',
  group: 'router',
  baselineName: "LiteLLM's selection code, ported line for line (array scans; latency, usage and cost nested)",
  acceleratedName: 'fast-litellm RouterCore.pick (O(log n) trees)',
  async run(ctx: RowContext): Promise<CustomResult[]> {
    const budget = ctx.quick ? 120 : 400;
    const results: CustomResult[] = [];
    for (const strategy of STRATEGY_LIST) {
      for (const n of SIZES) {
        ctx.tick(`${strategy} n=${n}`);
        // Equal picks first, from the same draws.
        const a = setup(strategy, n, seeded(11));
        const b = setup(strategy, n, seeded(11));
        const rb = seeded(11);
        for (let i = 0; i < 200; i++) {
          const ours = a.core.pick('g').id;
          const theirs = b.port(rb)?.model_info.id;
          if (ours !== theirs) throw new Error(`${strategy} n=${n}: pick ${ours} vs LiteLLM's ${theirs}`);
        }
        const random = Math.random;
        const s = setup(strategy, n, random);
        const base = await timeIt(() => s.port(random), budget);
        const acc = await timeIt(() => s.core.pick('g'), budget);
        results.push({ unit: 'ns', higherIsBetter: false, baseline: summarize(base), accelerated: summarize(acc),
          label: `${strategy} n=${n}`,
          note: 'equal picks checked on 200 draws; per pick, token counting excluded on both sides' });
      }
    }
    return results;
  },
};

const redisRow: BenchRow = {
  kind: 'custom',
  id: 'router.pick.redis',
  name: 'routed call decision, Redis',
  group: 'router',
  baselineName: "LiteLLM's Redis pattern ported: MGET every deployment's usage, scan, INCR (usage); "
    + 'GET/SET the group blob (least-busy)',
  acceleratedName: 'fast-litellm RouterCore + RedisState (one script call per routed call)',
  // Ours is a whole routed call (no-op deployment) and admits atomically (exact across processes);
  // LiteLLM's two commands are neither: at 10 deployments the one script call can cost more.
  minSpeedup: 0.6,
  async run(ctx: RowContext): Promise<CustomResult[]> {
    if (!existsSync(REDIS_BIN) && REDIS_BIN !== 'redis-server') throw new RowSkipped('no redis-server');
    let server;
    try {
      server = await startRedis();
    } catch {
      throw new RowSkipped('redis-server did not start');
    }
    const Redis = require('ioredis');
    const client = new Redis(server.url);
    const results: CustomResult[] = [];
    try {
      for (const strategy of ['usage-based-routing-v2', 'least-busy'] as StrategyName[]) {
        for (const n of SIZES) {
          ctx.tick(`redis ${strategy} n=${n}`);
          const deps = Array.from({ length: n }, (_, i) => ({
            model_name: 'g', litellm_params: { model: `m${i}`, rpm: 1e9 }, model_info: { id: `r${n}-${i}` },
          }));
          const state = new RedisState({ url: server.url, keyPrefix: `b${n}${strategy[0]}:` });
          const config = parseRouterConfig({ model_list: deps, router_settings: { routing_strategy: strategy } });
          const noop = async () => ({ usage: { total_tokens: 1 } });
          const core = new RouterCore({ config, state, calls: { completion: noop } });
          const req = { model: 'g', messages: [{ role: 'user', content: 'x' }] };
          await core.route('completion', req);
          const tpmKeys = deps.map((d) => `${d.model_info.id}:tpm:${MINUTE}`);
          const rpmKeys = deps.map((d) => `${d.model_info.id}:rpm:${MINUTE}`);
          const blob = `bench_${n}_request_count`;
          const theirs = strategy === 'least-busy'
            ? async () => {
              const all = JSON.parse((await client.get(blob)) ?? '{}');
              const d = L.leastBusy(deps, all, Math.random);
              const again = JSON.parse((await client.get(blob)) ?? '{}');
              again[d.model_info.id] = (again[d.model_info.id] ?? 0) + 1;
              await client.set(blob, JSON.stringify(again));
            }
            : async () => {
              const values: (string | null)[] = await client.mget(...tpmKeys, ...rpmKeys);
              const num = (v: string | null) => (v === null ? null : Number(v));
              const tpm = values.slice(0, n).map(num);
              const d = L.lowestTpm(deps, tpmKeys, tpm, rpmKeys, values.slice(n).map(num), MINUTE, 1, Math.random)!;
              await client.incr(`${d.model_info.id}:rpm:${MINUTE}`);
            };
          const budget = ctx.quick ? 150 : 500;
          const base = await timeIt(theirs, budget);
          const trips0 = state.trips;
          let calls = 0;
          const acc = await timeIt(async () => {
            calls++;
            await core.route('completion', req);
          }, budget);
          const tripsPerCall = (state.trips - trips0) / calls;
          await core.close();
          const theirsTrips = strategy === 'least-busy' ? 3 : 2;
          results.push({ unit: 'ns', higherIsBetter: false, baseline: summarize(base), accelerated: summarize(acc),
            minSpeedup: 0.6, label: `${strategy} n=${n}`,
            note: `${tripsPerCall.toFixed(2)} round trips per routed call (LiteLLM's: ${theirsTrips})` });
        }
      }
    } finally {
      await client.quit();
      await server.stop();
    }
    return results;
  },
};

const messages = [{ role: 'user', content: 'Hello there' }];
const dep = (m: MockServer, id: string) => ({
  model_name: 'chat', litellm_params: { model: 'openai/gpt-3.5-turbo', api_base: `${m.url}/v1`, api_key: 'sk-bench' },
  model_info: { id },
});

async function inFlight(n: number, c: number, call: (i: number) => Promise<boolean>): Promise<number> {
  let next = 0;
  let ok = 0;
  await Promise.all(Array.from({ length: c }, async () => {
    while (next < n) if (await call(next++)) ok++;
  }));
  return ok;
}

type Served = { _hidden_params: { model_id: string } };
const pct = (x: number): SampleSummary => ({ median: x, p99: x, mean: x, samples: 1 });

const failoverRow: BenchRow = {
  kind: 'custom',
  id: 'router.e2e.failover',
  name: 'success rate, one of three deployments failing half its calls',
  group: 'router',
  baselineName: 'litellm 0.12 completion to one of the three at random (what an app does without a router)',
  acceleratedName: 'fast-litellm Router (simple-shuffle, num_retries 2, cooldowns) through litellm',
  async run(ctx: RowContext): Promise<CustomResult> {
    const flaky = { failRate: 0.5, failStatus: 500, shouldRetry: false };
    const mocks = await Promise.all([startMockServer({}), startMockServer(flaky), startMockServer({})]);
    try {
      const n = ctx.quick ? 1000 : 5000;
      const completion = unwrap(require('litellm/dist/src/completion').completion) as (p: object) => Promise<unknown>;
      const once = (i: number) =>
        completion({ model: 'gpt-3.5-turbo', baseUrl: `${mocks[i % 3].url}/v1`, apiKey: 'sk-bench', messages });
      const plain = await inFlight(n, 16, (i) => once(i).then(() => true, () => false));
      ctx.tick('router');
      const router = new Router({ modelList: mocks.map((m, i) => dep(m, `d${i}`)) });
      const routed = await inFlight(n, 16, () => router.completion({ model: 'chat', messages })
        .then(() => true, () => false));
      const st = router.getStats();
      await router.close();
      if (routed / n < 0.999) throw new Error(`router success ${(100 * routed / n).toFixed(2)}% < 99.9%`);
      const share = (k: number) => pct(Math.round((10000 * k) / n) / 100);
      return { unit: '% ok', higherIsBetter: true, baseline: share(plain), accelerated: share(routed),
        note: `${n} calls, 16 in flight; router: ${st.retries} retries, ${st.cooldowns} cooldowns` };
    } finally {
      await Promise.all(mocks.map((m) => m.close()));
    }
  },
};

const latencyRow: BenchRow = {
  kind: 'custom',
  id: 'router.e2e.latency',
  name: 'share of calls to the fastest of 5, 20 and 80 ms deployments',
  group: 'router',
  baselineName: 'simple-shuffle',
  acceleratedName: 'latency-based-routing',
  async run(ctx: RowContext): Promise<CustomResult> {
    const lat = [5, 20, 80];
    const mocks = await Promise.all(lat.map((latencyMs) => startMockServer({ latencyMs })));
    const n = ctx.quick ? 100 : 300;
    const share = async (strategy: StrategyName): Promise<{ share: number; router: Router }> => {
      const router = new Router({ modelList: mocks.map((m, i) => dep(m, `${lat[i]}ms`)), routingStrategy: strategy });
      for (let i = 0; i < 20; i++) await router.completion({ model: 'chat', messages });
      let fastest = 0;
      for (let i = 0; i < n; i++) {
        const r = (await router.completion({ model: 'chat', messages })) as { _hidden_params: { model_id: string } };
        if (r._hidden_params.model_id === '5ms') fastest++;
      }
      return { share: fastest / n, router };
    };
    try {
      const plain = await share('simple-shuffle');
      await plain.router.close();
      ctx.tick('latency');
      const fast = await share('latency-based-routing');
      if (fast.share < 0.9) {
        throw new Error(`latency routing sent ${(100 * fast.share).toFixed(1)}% to the fastest (< 90%)`);
      }
      // The fastest slows to 150 ms (same port): calls until 10 in a row avoid it.
      const port = mocks[0].port;
      await mocks[0].close();
      mocks[0] = await startMockServer({ port, latencyMs: 150 });
      let calls = 0;
      let clear = 0;
      while (clear < 10 && calls < 500) {
        const r = (await fast.router.completion({ model: 'chat', messages })) as Served;
        calls++;
        clear = r._hidden_params.model_id === '5ms' ? 0 : clear + 1;
      }
      await fast.router.close();
      return { unit: '% to fastest', higherIsBetter: true, baseline: pct(Math.round(1000 * plain.share) / 10),
        accelerated: pct(Math.round(1000 * fast.share) / 10),
        note: `${n} calls after 20 warm-up; when the fastest slowed to 150 ms, ${calls - 10} calls went to it `
          + 'before 10 in a row went elsewhere' };
    } finally {
      await Promise.all(mocks.map((m) => m.close()));
    }
  },
};

const exactRow: BenchRow = {
  kind: 'custom',
  id: 'router.redis.exact',
  name: 'usage-based routing, 4 processes on one Redis: calls admitted vs the rpm',
  group: 'router',
  baselineName: 'the deployments\' rpm (20, 30, 50)',
  acceleratedName: 'calls admitted in the minute across 4 processes',
  async run(ctx: RowContext): Promise<CustomResult> {
    let server;
    try {
      server = await startRedis();
    } catch {
      throw new RowSkipped('redis-server did not start');
    }
    try {
      const left = 60_000 - (Date.now() % 60_000);
      if (left < 12_000) await new Promise((r) => setTimeout(r, left + 50));
      ctx.tick('4 processes');
      const args = [server.url, 'bench:', '20,30,50'];
      const answers = await runTogether<{ served: Record<string, number> }>(4, USAGE_CHILD, args);
      const total: Record<string, number> = {};
      for (const a of answers) for (const [m, k] of Object.entries(a.served)) total[m] = (total[m] ?? 0) + k;
      const admitted = (total.m0 ?? 0) + (total.m1 ?? 0) + (total.m2 ?? 0);
      if (total.m0 !== 20 || total.m1 !== 30 || total.m2 !== 50) {
        throw new Error(`admitted ${JSON.stringify(total)}, not exactly 20/30/50`);
      }
      return { unit: 'calls', higherIsBetter: false, baseline: pct(100), accelerated: pct(admitted),
        note: `per deployment ${JSON.stringify(total)}; LiteLLM's v2 looks rpm up under the wrong key `
          + '(BerriAI/litellm#7395) and would admit more' };
    } finally {
      await server.stop();
    }
  },
};

let overheadMock: MockServer | undefined;
let overheadRouter: Router | undefined;
const overheadRow: FnRow = {
  kind: 'fn',
  id: 'router.overhead',
  name: 'routed completion vs litellm completion (one deployment)',
  group: 'router',
  baselineName: 'litellm 0.12 completion (unpatched) to the mock',
  acceleratedName: 'fast-litellm Router.completion to a one-deployment group (through litellm)',
  // The router's own work (resolve, pick, deadline, bookkeeping, hidden params) on top of the same HTTP call.
  minSpeedup: 0.75,
  async setup() {
    overheadMock = await startMockServer({});
    overheadRouter = new Router({ modelList: [dep(overheadMock, 'one')] });
  },
  async teardown() {
    await overheadRouter?.close();
    await overheadMock?.close();
  },
  baseline() {
    const completion = unwrap(require('litellm/dist/src/completion').completion) as (p: object) => Promise<unknown>;
    return completion({ model: 'gpt-3.5-turbo', baseUrl: `${overheadMock!.url}/v1`, apiKey: 'sk-bench', messages });
  },
  accelerated() {
    return overheadRouter!.completion({ model: 'chat', messages });
  },
  async check() {
    const a = (await overheadRow.baseline()) as { choices: unknown };
    const b = (await overheadRow.accelerated()) as { choices: unknown };
    if (JSON.stringify(a.choices) !== JSON.stringify(b.choices)) {
      throw new Error('routed answer differs from litellm\'s');
    }
  },
};

export const rows: BenchRow[] = [pickRow, redisRow, failoverRow, latencyRow, exactRow, overheadRow];
