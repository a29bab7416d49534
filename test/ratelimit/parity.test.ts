// MemoryStore and RedisStore run the same algorithms (in JS and in Lua): on one random sequence of
// checks, acquires, releases, reconciles and clock steps, every answer must be the same. Some steps
// are issued in one tick, so the Redis side also goes through its batched script calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, RateLimiter, RedisStore, type CheckResult } from '../../src/accelerators/ratelimit';
import { startRedis, type RedisServer } from './redis-server';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Lease = { release(): unknown; reconcile(n: number): unknown };

async function trace(store: MemoryStore | RedisStore, algorithm: 'sliding-window' | 'token-bucket', seed: number): Promise<unknown[]> {
  const rnd = prng(seed);
  let now = 1_700_000_000_000;
  const W = 10_000;
  const rl = new RateLimiter({ rpm: 12, tpm: 900, maxParallel: 3, windowMs: W, algorithm, store, clock: () => now });
  const keys = ['a', 'b', 'c'].map((k) => `parity:${algorithm}:${seed}:${k}`);
  const leases: Lease[] = [];
  const out: unknown[] = [];
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  for (let step = 0; step < 400; step++) {
    const r = rnd();
    if (r < 0.15) now += Math.floor(rnd() * W * 0.4);
    else if (r < 0.45) {
      // a burst in one tick: batched into one script call on Redis
      const size = 1 + Math.floor(rnd() * 6);
      const burst = Array.from({ length: size }, () => [pick(keys), Math.floor(rnd() * 200)] as const);
      out.push(await Promise.all(burst.map(([k, tokens]) => Promise.resolve(rl.check(k, { tokens })))));
    } else if (r < 0.7) {
      try {
        const lease = await rl.acquire(pick(keys), { tokens: Math.floor(rnd() * 150) });
        leases.push(lease as Lease);
        out.push(['acquired', lease.result]);
      } catch (e) {
        out.push(['refused', (e as { result?: CheckResult }).result ?? String(e)]);
      }
    } else if (leases.length > 0) {
      const lease = leases.splice(Math.floor(rnd() * leases.length), 1)[0];
      if (rnd() < 0.5) await lease.reconcile(Math.floor(rnd() * 300));
      await lease.release();
      out.push('released');
    }
  }
  return out;
}

describe('MemoryStore and RedisStore give the same answers', () => {
  it.each(['sliding-window', 'token-bucket'] as const)('%s', async (algorithm) => {
    // Leases that never expire within a trace (its clock runs far ahead of real time, with no refresh).
    const redisStore = new RedisStore({ url: redis.url, slotTtlMs: 2 ** 31 - 1 });
    try {
      for (const seed of [1, 2, 3]) {
        const mem = await trace(new MemoryStore(), algorithm, seed);
        const red = await trace(redisStore, algorithm, seed);
        expect(red).toEqual(mem);
        expect(mem.flat(2).some((x) => (x as CheckResult)?.allowed === false)).toBe(true);
      }
      expect(redisStore.errors).toBe(0);
    } finally {
      await redisStore.close();
    }
  });
});
