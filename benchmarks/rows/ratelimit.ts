// Rate limiting. litellm has none, so the baselines are what a Node user would pick:
// rate-limiter-flexible (RateLimiterMemory, RateLimiterRedis) and bottleneck; the ceiling is a bare
// Map counter. Same process, same keys, interleaved rounds; equal decisions checked before timing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Bottleneck from 'bottleneck';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { MemoryStore, RateLimiter, RedisStore } from '../../src/accelerators/ratelimit';
import { loadConfig, setConfig } from '../../src/config';
import { applyAcceleration } from '../../src/index';
import { unwrap } from '../../src/shims/guard';
import { REDIS_BIN, startRedis as startTestRedis, type RedisServer } from '../../test/ratelimit/redis-server';
import { RowSkipped } from '../lib/skip';
import type { BenchRow, CustomResult, RowContext, SampleSummary } from '../lib/types';

const require = createRequire(__filename);
const ROOT = path.join(__dirname, '..', '..');
const BIG = 1e9; // limits nobody reaches while timing: every check does the full counting work
const RPM = 60_000; // ours: a realistic rpm (16-bit cells), still never reached by the timed checks
const STRIDE = 7919; // a prime: key order that defeats the CPU cache like real traffic does
const FLIGHT = 64; // promises in flight for the async APIs

const keyOf = (i: number): string => `user:${i}:gpt-4o`;

function rate(opsPerSec: number[], extra?: Record<string, number | string>): SampleSummary {
  const s = [...opsPerSec].sort((a, b) => a - b);
  const med = s[Math.floor(s.length / 2)];
  const at = (q: number): number => Math.round(s[Math.floor(q * s.length)]);
  const mean = Math.round(s.reduce((a, b) => a + b, 0) / s.length);
  return { median: Math.round(med), p99: Math.round(s[0]), p25: at(0.25), p75: at(0.75), mean, samples: s.length,
    extra };
}

type Runner = (keys: string[], ops: number) => Promise<number> | number; // returns elapsed ms

/** Median over rounds of a/b measured in the same round: steadier than a ratio of medians under load. */
function pairedRatio(a: number[], b: number[]): string {
  const r = a.map((x, i) => x / b[i]).sort((x, y) => x - y);
  return r[Math.floor(r.length / 2)].toFixed(2);
}

function syncRunner(check: (k: string) => unknown): Runner {
  return (keys, ops) => {
    const n = keys.length;
    const t = performance.now();
    for (let i = 0, j = 0; i < ops; i++) {
      check(keys[j]);
      j += STRIDE;
      if (j >= n) j %= n;
    }
    return performance.now() - t;
  };
}

function asyncRunner(check: (k: string) => Promise<unknown>): Runner {
  return async (keys, ops) => {
    const n = keys.length;
    const t = performance.now();
    let j = 0;
    for (let i = 0; i < ops; i += FLIGHT) {
      const ps: Promise<unknown>[] = [];
      for (let q = 0; q < FLIGHT; q++) {
        ps.push(check(keys[j]));
        j += STRIDE;
        if (j >= n) j %= n;
      }
      await Promise.all(ps);
    }
    return performance.now() - t;
  };
}

/** Decisions of each contender on the same sequence: 4 checks per key against a limit of 3. */
async function decisions(check: (k: string) => Promise<boolean> | boolean, keys: number): Promise<string> {
  let out = '';
  for (let r = 0; r < 4; r++) for (let i = 0; i < keys; i++) out += (await check(`eq:${i}`)) ? '1' : '0';
  return out;
}

const rlfAllowed = (p: Promise<unknown>): Promise<boolean> => p.then(() => true, (e) => {
  if (e instanceof Error) throw e;
  return false;
});

function memoryBytes(lib: string, n: number): number {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, '_ratelimit-mem.ts'), lib, String(n)], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  return (JSON.parse(out.trim().split('\n').pop()!) as { bytesPerKey: number }).bytesPerKey;
}

const one = (v: number): SampleSummary => {
  const r = Math.round(v * 10) / 10;
  return { median: r, p99: r, mean: r, samples: 1 };
};

const memoryRow: BenchRow = {
  kind: 'custom',
  id: 'ratelimit.memory',
  name: 'rate limit check, in memory',
  group: 'ratelimit',
  baselineName: 'rate-limiter-flexible RateLimiterMemory.consume (64 in flight)',
  acceleratedName: 'fast-litellm RateLimiter.checkSync (MemoryStore, sliding window)',
  async run(ctx: RowContext): Promise<CustomResult[]> {
    // Equal decisions first (one window, so fixed and sliding windows must agree exactly).
    const fast = new RateLimiter({ rpm: 3 });
    const rlf = new RateLimiterMemory({ points: 3, duration: 60 });
    const map = new Map<string, number>();
    const a = await decisions((k) => fast.checkSync(k).allowed, 500);
    const b = await decisions((k) => rlfAllowed(rlf.consume(k)), 500);
    const c = await decisions((k) => { const v = (map.get(k) ?? 0) + 1; map.set(k, v); return v <= 3; }, 500);
    if (a !== b || a !== c) throw new Error('rate limit decisions differ between fast-litellm, rate-limiter-flexible and the Map counter');

    const sizes = ctx.quick ? [1000, 100_000] : [1000, 100_000, 1_000_000];
    const results: CustomResult[] = [];
    for (const n of sizes) {
      ctx.tick(`memory ${n} keys`);
      const keys = Array.from({ length: n }, (_, i) => keyOf(i));
      const fastRl = new RateLimiter({ rpm: RPM, store: new MemoryStore({ maxKeys: Math.max(n, 1000) }) });
      const fastBool = new RateLimiter({ rpm: RPM, store: new MemoryStore({ maxKeys: Math.max(n, 1000) }) });
      const rlfRl = new RateLimiterMemory({ points: BIG, duration: 60 });
      const counts = new Map<string, number>();
      const windows = new Map<string, number>(); // the same Map plus a clock: a minimal fixed window
      const group = n <= 1000 ? new Bottleneck.Group({ maxConcurrent: BIG }) : undefined;
      const contenders: Record<string, Runner> = {
        fast: syncRunner((k) => fastRl.checkSync(k)),
        fastBool: syncRunner((k) => fastBool.tryConsume(k)),
        rlf: asyncRunner((k) => rlfRl.consume(k)),
        map: syncRunner((k) => {
          const v = counts.get(k);
          counts.set(k, v === undefined ? 1 : v + 1);
          return v === undefined || v < BIG;
        }),
        mapClock: syncRunner((k) => {
          const w = Math.floor(Date.now() / 60_000) * BIG;
          const v = windows.get(k);
          const next = v === undefined || v < w ? w + 1 : v + 1;
          windows.set(k, next);
          return next - w <= BIG;
        }),
      };
      if (group) contenders.bottleneck = asyncRunner((k) => group.key(k).schedule(() => Promise.resolve(true)));
      // Populate every store with all keys (not timed), then interleave timed rounds.
      for (const [name, run] of Object.entries(contenders)) if (name !== 'bottleneck') await run(keys, n);
      if (group) await contenders.bottleneck(keys, n);
      const ops = ctx.quick ? 200_000 : 1_000_000;
      const rounds = ctx.quick ? 3 : 7;
      const perSec: Record<string, number[]> = {};
      for (let r = 0; r < rounds; r++) {
        // Order reversed every other round, so load drift on this shared machine hits both sides.
        const order = Object.entries(contenders);
        if (r % 2 === 1) order.reverse();
        for (const [name, run] of order) {
          const count = name === 'bottleneck' ? Math.min(ops, 20_000) : name === 'rlf' ? ops / 4 : ops;
          const ms = await run(keys, count);
          (perSec[name] ??= []).push((count / ms) * 1000);
        }
      }
      const label = n >= 1e6 ? `${n / 1e6}M keys` : `${n / 1000}k keys`;
      const res: CustomResult = {
        label,
        unit: 'checks/s',
        higherIsBetter: true,
        baseline: rate(perSec.rlf),
        accelerated: rate(perSec.fast),
        peers: {
          'fast-litellm tryConsume (boolean, no result object)': rate(perSec.fastBool),
          'Map counter (ceiling, no clock)': rate(perSec.map),
          'Map counter + Date.now (fixed window)': rate(perSec.mapClock),
          ...(group ? { 'bottleneck Group.schedule (64 in flight)': rate(perSec.bottleneck) } : {}),
        },
        note: `decisions equal on 2,000 checks; keys visited with stride ${STRIDE}; paired per round: checkSync/rate-limiter-flexible ${pairedRatio(perSec.fast, perSec.rlf)}x, tryConsume/rate-limiter-flexible ${pairedRatio(perSec.fastBool, perSec.rlf)}x, checkSync/Map ${pairedRatio(perSec.fast, perSec.map)}x, tryConsume/Map ${pairedRatio(perSec.fastBool, perSec.map)}x; medians: checkSync/Map ${(rate(perSec.fast).median / rate(perSec.map).median).toFixed(2)}x, tryConsume/Map ${(rate(perSec.fastBool).median / rate(perSec.map).median).toFixed(2)}x, tryConsume/(Map+Date.now) ${(rate(perSec.fastBool).median / rate(perSec.mapClock).median).toFixed(2)}x${group ? '' : '; bottleneck only at 1k keys (one Bottleneck per key)'}`,
      };
      results.push(res);
      ctx.tick(`bytes/key ${n}`);
      const libs = ['fast', 'fast-rpm-tpm', 'map', 'rlf', ...(n <= 1000 ? ['bottleneck'] : [])];
      const bytes = Object.fromEntries(libs.map((l) => [l, memoryBytes(l, n)]));
      results.push({
        label: `${label} memory`,
        unit: 'B/key',
        higherIsBetter: false,
        baseline: one(bytes.rlf),
        accelerated: one(bytes.fast),
        peers: {
          'fast-litellm rpm+tpm': one(bytes['fast-rpm-tpm']),
          'Map<string, number> (key + count)': one(bytes.map),
          ...(bytes.bottleneck !== undefined ? { 'bottleneck Group': one(bytes.bottleneck) } : {}),
        },
        note: 'heapUsed + arrayBuffers after gc in a child process, keys included when the store keeps them',
      });
    }
    return results;
  },
};

// ---------------------------------------------------------------- Redis -----------------------

/** The tests' own launcher (a real redis-server on a free loopback port); skipped without one. */
async function startRedis(): Promise<RedisServer> {
  if (!existsSync(REDIS_BIN)) throw new RowSkipped('no redis-server');
  return startTestRedis();
}

/** Counts commands this client sends (round trips when not pipelined), MONITOR-free. */
function countCommands(client: { sendCommand: (...a: unknown[]) => unknown }): () => number {
  let n = 0;
  const orig = client.sendCommand.bind(client);
  client.sendCommand = (...a: unknown[]) => {
    n++;
    return orig(...a);
  };
  return () => n;
}

const redisRow: BenchRow = {
  kind: 'custom',
  id: 'ratelimit.redis',
  name: 'rate limit check, Redis',
  group: 'ratelimit',
  baselineName: 'rate-limiter-flexible RateLimiterRedis (ioredis)',
  acceleratedName: 'fast-litellm RateLimiter + RedisStore (one EVALSHA)',
  async run(ctx: RowContext): Promise<CustomResult[]> {
    const server = await startRedis();
    const Redis = require('ioredis');
    const clients: { quit(): Promise<unknown> }[] = [];
    try {
      const fastClient = new Redis(server.url);
      const rlfClient = new Redis(server.url);
      const bnClient = new Redis(server.url);
      clients.push(fastClient, rlfClient, bnClient);
      await Promise.all([fastClient.ping(), rlfClient.ping(), bnClient.ping()]);
      const fastCount = countCommands(fastClient);
      const rlfCount = countCommands(rlfClient);
      const store = new RedisStore({ client: fastClient });

      const eqFast = new RateLimiter({ rpm: 3, store });
      const eqRlf = new RateLimiterRedis({ storeClient: rlfClient, points: 3, duration: 60, keyPrefix: 'eq-rlf' });
      const a = await decisions(async (k) => (await eqFast.check(k)).allowed, 200);
      const b = await decisions((k) => rlfAllowed(eqRlf.consume(k)), 200);
      if (a !== b) throw new Error('rate limit decisions differ between fast-litellm and rate-limiter-flexible on Redis');

      const fastRl = new RateLimiter({ rpm: BIG, store }); // one limit, like rate-limiter-flexible's
      const fastBoth = new RateLimiter({ rpm: BIG, tpm: BIG, store });
      const rlfRl = new RateLimiterRedis({ storeClient: rlfClient, points: BIG, duration: 60, keyPrefix: 'bench-rlf' });
      // bottleneck clusters through Redis per limiter id (one key): a peer for the cost of its protocol.
      const port = Number(new URL(server.url).port);
      const bn = new Bottleneck({ datastore: 'ioredis', clearDatastore: true, clientOptions: { host: '127.0.0.1', port }, id: 'bench-bn' });
      await bn.ready();
      const keys = Array.from({ length: 10_000 }, (_, i) => keyOf(i));
      const results: CustomResult[] = [];
      for (const flight of [1, FLIGHT]) {
        ctx.tick(`redis ${flight} in flight`);
        const runner = (check: (k: string) => Promise<unknown>) => async (ops: number): Promise<number> => {
          let j = 0;
          const t = performance.now();
          for (let i = 0; i < ops; i += flight) {
            const ps: Promise<unknown>[] = [];
            for (let q = 0; q < flight; q++) ps.push(check(keys[j++ % keys.length]));
            await Promise.all(ps);
          }
          return performance.now() - t;
        };
        const runs: Record<string, (ops: number) => Promise<number>> = {
          fast: runner((k) => Promise.resolve(fastRl.check(k))),
          fastBoth: runner((k) => Promise.resolve(fastBoth.check(`both:${k}`, { tokens: 10 }))),
          rlf: runner((k) => rlfRl.consume(k)),
          bottleneck: runner(() => bn.schedule(() => Promise.resolve(1))),
          // The floor for any check that waits for Redis: a round trip that does no work.
          ping: runner(() => bnClient.ping()),
        };
        const ops = ctx.quick ? 2000 : 10_000;
        const perSec: Record<string, number[]> = {};
        const c0 = [fastCount(), rlfCount()];
        const done: Record<string, number> = { fast: 0, fastBoth: 0, rlf: 0, bottleneck: 0, ping: 0 };
        // 7 rounds in a quick run too: with 3, the CI gate saw 0.70x and 0.83x in runs where the same code
        // measured 0.89x and 1.4-1.8x alone (Redis shares the two cores with the client).
        for (let r = 0; r < 7; r++) {
          const order = Object.entries(runs);
          if (r % 2 === 1) order.reverse();
          for (const [name, run] of order) {
            const count = name === 'bottleneck' ? Math.min(ops, 256) : ops;
            const ms = await run(count);
            done[name] += count;
            (perSec[name] ??= []).push((count / ms) * 1000);
          }
        }
        const rtFast = (fastCount() - c0[0]) / (done.fast + done.fastBoth); // both contenders use this client
        const rtRlf = (rlfCount() - c0[1]) / done.rlf;
        results.push({
          label: `${flight} in flight`,
          // One caller awaiting each check: both libraries pay one round trip, and a bare PING (the
          // peer row) is barely faster than rate-limiter-flexible, so no check that waits for Redis
          // can gain much here; our script does more per call (two weighted windows, all-or-nothing
          // over rpm/tpm/parallel) than its fixed-window counter: an accepted cost, shown, never hidden.
          ...(flight === 1 ? { minSpeedup: 0.7 } : {}),
          unit: 'checks/s',
          higherIsBetter: true,
          baseline: rate(perSec.rlf, { round_trips_per_check: Math.round(rtRlf * 100) / 100 }),
          accelerated: rate(perSec.fast, { round_trips_per_check: Math.round(rtFast * 100) / 100 }),
          peers: {
            'fast-litellm rpm + tpm in the same call': rate(perSec.fastBoth),
            'bottleneck (ioredis datastore, one limiter)': rate(perSec.bottleneck),
            'ioredis PING (round-trip floor, no check)': rate(perSec.ping),
          },
          note: `decisions equal on 800 checks; round trips counted at the client (commands sent per check); paired per round: fast-litellm/rate-limiter-flexible ${pairedRatio(perSec.fast, perSec.rlf)}x`,
        });
      }
      await bn.disconnect(false);
      return results;
    } finally {
      await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
      await server.stop();
    }
  },
};

// ------------------------------------------------------- litellm completion, limits on vs off ---

const completionParams = (url: string) => ({
  model: 'gpt-3.5-turbo',
  baseUrl: url + '/v1',
  apiKey: 'sk-bench',
  messages: [{ role: 'user', content: 'How fast is a rate limit check?' }],
  max_tokens: 16,
});
const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'id' || k === 'created' ? 0 : x)));
let limited: (p: object) => Promise<unknown>;
let unlimited: (p: object) => Promise<unknown>;
let params: object;

const completionRow: BenchRow = {
  kind: 'fn',
  id: 'ratelimit.litellm.completion',
  name: 'litellm.completion with rpm + tpm limits (mock HTTP)',
  group: 'ratelimit',
  baselineName: 'litellm.completion, rate limiting off',
  acceleratedName: 'litellm.completion, FAST_LITELLM_RPM + FAST_LITELLM_TPM (memory)',
  // A check, a prompt token count, a reconcile and the guard: ~5 µs per call with a stub original,
  // on a 110-300 µs loopback call whose own round-to-round noise on this shared machine is ±30%.
  minSpeedup: 0.7,
  timeMs: 4000, // HTTP on a shared machine: a longer budget for a stable median
  setup(ctx: RowContext) {
    if (!ctx.mockUrl) throw new RowSkipped('no mock server');
    // Limits nobody reaches: every call pays the full check, token count and reconcile.
    setConfig(loadConfig({ ...process.env, FAST_LITELLM_RPM: '1000000000', FAST_LITELLM_TPM: '1000000000' }));
    applyAcceleration({ features: { rate_limiting: 'on' } });
    const mod = require('litellm/dist/src/completion') as { completion: (p: object) => Promise<unknown> };
    limited = mod.completion;
    unlimited = unwrap(mod.completion); // what runs under the rate-limit row: the same call, unlimited
    if (limited === unlimited) throw new Error('rate limiting row is not applied to litellm.completion');
    params = completionParams(ctx.mockUrl);
  },
  baseline: () => unlimited(params),
  accelerated: () => limited(params),
  async check() {
    const [a, b] = [strip(await unlimited(params)), strip(await limited(params))];
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('completion results differ with rate limiting on');
  },
};

// The memory row last: rate-limiter-flexible leaves one timer per key (up to 1M) in this process.
export const rows: BenchRow[] = [completionRow, redisRow, memoryRow];
