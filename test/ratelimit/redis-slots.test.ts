import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter, RateLimitError, RedisStore, type Lease } from '../../src/accelerators/ratelimit';
import { startRedis, type RedisServer } from './redis-server';

// Issue 11 #4: parallel slots on Redis are leases. A slot taken by a script we gave up on, or whose
// release was lost with the connection, comes back when its lease expires; a grant made without Redis
// (fail-open) never frees another call's slot; a release is idempotent; a held slot is refreshed.
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

let seq = 0;
const uniq = (p: string): string => `${p}:${process.pid}:${++seq}`;
const settle = (p: unknown): Promise<Lease | Error> => Promise.resolve(p as Lease).catch((e: Error) => e);

async function untilAnswering(rl: RateLimiter, key: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await rl.check(key);
    if (r.limitType !== 'store_unavailable') return;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('Redis did not come back');
}

describe('parallel slots on Redis', () => {
  it('a fail-open grant during an outage never frees a slot another call holds', async () => {
    const store = new RedisStore({ url: redis.url, failMode: 'open', timeoutMs: 100 });
    const rl = new RateLimiter({ maxParallel: 2, store });
    const key = uniq('open');
    try {
      const a = await rl.acquire(key);
      store.client.disconnect(true); // an outage: the next acquire never reaches Redis
      const b = await rl.acquire(key); // admitted without a slot
      await untilAnswering(rl, uniq('probe'));
      const c = await rl.acquire(key);
      await b.release(); // must not give back a slot of a or c
      await b.release();
      const d = await settle(rl.acquire(key));
      expect(d).toBeInstanceOf(RateLimitError);
      expect((d as RateLimitError).limitType).toBe('max_parallel_requests');
      expect(b.result.limitType).toBe('store_unavailable'); // how a grant made without Redis shows
      await a.release();
      await a.release(); // idempotent: frees one slot only
      const e = await rl.acquire(key);
      expect(await settle(rl.acquire(key))).toBeInstanceOf(RateLimitError);
      await Promise.all([c.release(), e.release()]);
    } finally {
      await store.close();
    }
  });

  it('a slot taken by a script we gave up on comes back when its lease expires', async () => {
    let now = 1_700_000_000_000;
    const store = new RedisStore({ url: redis.url, failMode: 'closed', timeoutMs: 100, slotTtlMs: 20_000 });
    const rl = new RateLimiter({ maxParallel: 1, windowMs: 60_000, store, clock: () => now });
    const key = uniq('ghost');
    try {
      // The script is sent, Redis is silent, we answer per failMode: Redis may still run it later.
      // (Pausing Redis between the write and the run is what a timeout on a busy Redis looks like.)
      await untilAnswering(rl, uniq('probe'));
      redis.pause();
      const lost = await settle(rl.acquire(key));
      expect(lost).toBeInstanceOf(RateLimitError);
      redis.resume();
      await untilAnswering(rl, uniq('probe'));
      now += 20_001; // past the lease: whatever the lost script took has expired
      const again = await rl.acquire(key);
      expect(again.result.allowed).toBe(true);
      await again.release();
    } finally {
      redis.resume();
      await store.close();
    }
  });

  it('a release lost with the connection: the slot comes back when its lease expires, not before', async () => {
    let now = 1_700_000_000_000;
    const store = new RedisStore({ url: redis.url, failMode: 'closed', slotTtlMs: 20_000 });
    const rl = new RateLimiter({ maxParallel: 1, store, clock: () => now });
    const key = uniq('lost');
    try {
      const a = await rl.acquire(key);
      store.client.disconnect(true); // the release below goes nowhere
      await a.release();
      await untilAnswering(rl, uniq('probe'));
      now += 10_000;
      expect(await settle(rl.acquire(key))).toBeInstanceOf(RateLimitError); // still leased
      now += 10_001;
      const b = await rl.acquire(key);
      expect(b.result.allowed).toBe(true);
      await b.release();
    } finally {
      await store.close();
    }
  });

  it('a slot held longer than its lease stays held while the call runs (refreshed)', async () => {
    const store = new RedisStore({ url: redis.url, slotTtlMs: 300 });
    const rl = new RateLimiter({ maxParallel: 1, store });
    const key = uniq('long');
    try {
      const a = await rl.acquire(key);
      await new Promise((res) => setTimeout(res, 1200)); // four leases long
      expect(await settle(rl.acquire(key))).toBeInstanceOf(RateLimitError);
      await a.release();
      const b = await rl.acquire(key);
      await b.release();
    } finally {
      await store.close();
    }
  });

  it("litellm-proxy layout: the shared max_parallel_requests count gets back exactly what our leases took", async () => {
    let now = 1_700_000_000_000;
    const store = new RedisStore({ url: redis.url, keyLayout: 'litellm-proxy', slotTtlMs: 20_000 });
    const rl = new RateLimiter({ maxParallel: 3, store, clock: () => now });
    const d = `api_key:${uniq('proxy')}`;
    type Client = { get(k: string): Promise<string | null>; incr(k: string): Promise<number> };
    const client = store.client as unknown as Client;
    try {
      const a = await rl.acquire(d);
      await client.incr(`{${d}}:max_parallel_requests`); // a call counted by the Python proxy
      const b = await rl.acquire(d);
      expect(await client.get(`{${d}}:max_parallel_requests`)).toBe('3');
      await a.release();
      await a.release();
      expect(await client.get(`{${d}}:max_parallel_requests`)).toBe('2');
      now += 20_001; // b's lease expires (its holder died): its unit comes back on the next acquire
      const c = await rl.acquire(d);
      expect(await client.get(`{${d}}:max_parallel_requests`)).toBe('2'); // the proxy's 1 + c
      await b.release(); // expired: a no-op, the proxy's unit stays
      await c.release();
      expect(await client.get(`{${d}}:max_parallel_requests`)).toBe('1');
    } finally {
      await store.close();
    }
  });
});
