import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter, RateLimitError, RedisStore } from '../../src/accelerators/ratelimit';
import { join } from 'node:path';
import { runTogether } from '../procs';
import { startRedis, type RedisServer } from './redis-server';

// Real redis-server, started here on a free loopback port; never skipped (CI installs redis-server).

let redis: RedisServer;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => { unhandled.push(e); };

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

let seq = 0;
const uniq = (p: string): string => `${p}:${process.pid}:${++seq}`;

describe('RedisStore', () => {
  it('runs on the ioredis major this run asks for (5 unless `npm run test:ioredis6`)', () => {
    const { version } = require('ioredis/package.json') as { version: string };
    expect(version.split('.')[0]).toBe(process.env.FL_TEST_IOREDIS_MAJOR || '5');
  });

  it.each(['sliding-window', 'token-bucket'] as const)('%s: N concurrent checks vs L allow exactly min(N, L)', async (algorithm) => {
    const store = new RedisStore({ url: redis.url });
    try {
      for (const [n, l] of [[300, 100], [40, 100]]) {
        const rl = new RateLimiter({ rpm: l, algorithm, store });
        const key = uniq('exact');
        const results = await Promise.all(Array.from({ length: n }, () => Promise.resolve(rl.check(key))));
        expect(results.filter((r) => r.allowed).length).toBe(Math.min(n, l));
        expect(store.errors).toBe(0);
      }
    } finally {
      await store.close();
    }
  });

  it('maxParallel and tpm reserve/reconcile through one script', async () => {
    const store = new RedisStore({ url: redis.url });
    const rl = new RateLimiter({ tpm: 1000, maxParallel: 2, store });
    const key = uniq('par');
    const settled = await Promise.allSettled(Array.from({ length: 5 }, async () => rl.acquire(key, { tokens: 100 })));
    const leases = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(leases.length).toBe(2);
    expect(settled.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof RateLimitError)).toBe(true);
    await leases[0].release();
    await leases[0].reconcile(700); // 200 reserved in all -> 800 after
    expect((await rl.check(key, { tokens: 201 })).allowed).toBe(false);
    expect((await rl.check(key, { tokens: 200 })).allowed).toBe(true);
    await leases[1].release();
    const again = await rl.acquire(key);
    await again.release();
    await store.close();
  });

  it('uses one EVALSHA round trip per check', async () => {
    const store = new RedisStore({ url: redis.url });
    const rl = new RateLimiter({ rpm: 1000, tpm: 100000, store });
    await rl.check(uniq('warm'));
    const client = store.client as unknown as { call(...a: string[]): Promise<string> };
    // commandstats also counts the commands a script runs inside Redis; round trips are the
    // top-level calls: EVALSHA (or EVAL after a NOSCRIPT).
    const count = async (): Promise<number> => {
      const info = await client.call('INFO', 'commandstats');
      let total = 0;
      for (const m of info.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+)/gm)) total += Number(m[2]);
      return total;
    };
    const before = await count();
    const key = uniq('rt');
    for (let i = 0; i < 50; i++) await rl.check(key, { tokens: 10 });
    const after = await count();
    expect(after - before).toBe(50);
    // Checks issued in the same tick share one script call: the first goes at once, the 99 others together.
    const b0 = await count();
    const rs = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      Promise.resolve(rl.check(`${key}:${i % 7}`, { tokens: 1 }))));
    expect(rs.every((r) => r.allowed)).toBe(true);
    expect((await count()) - b0).toBe(2);
    await store.close();
  });

  it("keyLayout 'litellm-proxy' writes LiteLLM proxy's keys", async () => {
    const store = new RedisStore({ url: redis.url, keyLayout: 'litellm-proxy' });
    const rl = new RateLimiter({ rpm: 3, tpm: 500, maxParallel: 5, store });
    const d = `api_key:${uniq('hash')}`;
    const lease = await rl.acquire(d, { tokens: 40 });
    type Client = { mget(...k: string[]): Promise<(string | null)[]>; ttl(k: string): Promise<number> };
    const client = store.client as unknown as Client;
    const [win, req, tok, par] = await client.mget(`{${d}}:window`, `{${d}}:requests`, `{${d}}:tokens`, `{${d}}:max_parallel_requests`);
    expect(Number(win)).toBe(Math.floor(Date.now() / 1000) - (Math.floor(Date.now() / 1000) - Number(win)));
    expect(Math.abs(Number(win) - Date.now() / 1000)).toBeLessThan(5);
    expect([req, tok, par]).toEqual(['1', '40', '1']);
    expect(await client.ttl(`{${d}}:requests`)).toBeGreaterThan(55);
    await lease.reconcile(25);
    await lease.release();
    expect(await client.mget(`{${d}}:tokens`, `{${d}}:max_parallel_requests`)).toEqual(['25', '0']);
    // A request counted by the Python proxy (INCR on the same key) counts here too.
    await (store.client as unknown as { incrby(k: string, n: number): Promise<number> }).incrby(`{${d}}:requests`, 2);
    const r = await rl.check(d);
    expect(r.allowed).toBe(false);
    expect(r.limitType).toBe('requests');
    expect(() => new RateLimiter({ rpm: 1, algorithm: 'token-bucket', store })).toThrow(
      "RedisStore (keyLayout 'litellm-proxy'): algorithm: invalid value \"token-bucket\"; accepted: 'sliding-window' (LiteLLM's fixed window)");
    await store.close();
  });

  it('4 processes sharing one Redis: exactly L allowed in total', async () => {
    for (const [algorithm, layout] of [['sliding-window', 'fast-litellm'], ['token-bucket', 'fast-litellm'],
      ['sliding-window', 'litellm-proxy']]) {
      const key = uniq('procs');
      const out = await runTogether<{ allowed: number; errors: number }>(4, join(__dirname, 'fixtures', 'redis-worker.ts'),
        [redis.url, key, '150', '250', algorithm, layout]);
      expect(out.reduce((a, o) => a + o.allowed, 0)).toBe(250); // 600 checks vs limit 250
      expect(out.every((o) => o.errors === 0)).toBe(true);
    }
  }, 30_000);
});

describe('RedisStore when Redis goes away', () => {
  it('fail-open allows, fail-closed denies, both within the timeout, and both recover after a restart', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }): void => { if (w.code === 'FAST_LITELLM_REDIS_UNAVAILABLE') warnings.push(w.message); };
    process.on('warning', onWarning);
    const open = new RedisStore({ url: redis.url, failMode: 'open', timeoutMs: 200 });
    const closed = new RedisStore({ url: redis.url, failMode: 'closed', timeoutMs: 200 });
    const rlOpen = new RateLimiter({ rpm: 2, store: open });
    const rlClosed = new RateLimiter({ rpm: 2, store: closed });
    const key = uniq('outage');
    expect((await rlOpen.check(key)).allowed).toBe(true);
    expect((await rlClosed.check(`${key}:c`)).allowed).toBe(true);

    await redis.stop();
    const t0 = performance.now();
    const during = await Promise.all([
      ...Array.from({ length: 20 }, () => rlOpen.check(key)),
      ...Array.from({ length: 20 }, () => rlClosed.check(`${key}:c`)),
    ]);
    const elapsed = performance.now() - t0;
    expect(during.slice(0, 20).every((r) => r.allowed)).toBe(true);
    expect(during.slice(20).every((r) => !r.allowed && r.limitType === 'store_unavailable')).toBe(true);
    expect(elapsed).toBeLessThan(5000); // nothing hangs: each check answers by its deadline
    const err = await Promise.resolve(rlClosed.acquire(`${key}:c`)).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.limitType).toBe('store_unavailable');
    // releases and reconciles during the outage resolve quietly
    const lease = await rlOpen.acquire(key);
    expect(lease.result.limitType).toBe('store_unavailable'); // granted without Redis: holds nothing there
    await expect(Promise.resolve(lease.release())).resolves.toBeUndefined();
    await expect(Promise.resolve(lease.refund())).resolves.toBeUndefined();
    await expect(Promise.resolve(rlOpen.refund(key))).resolves.toBeUndefined();
    expect(open.errors).toBeGreaterThan(0);
    await new Promise((r) => setImmediate(r));
    expect(warnings.length).toBe(2); // once per store, not once per failed check

    await redis.start();
    const deadline = Date.now() + 10_000;
    let back = false;
    while (!back && Date.now() < deadline) {
      const r = await rlClosed.check(uniq('after'));
      back = r.allowed && r.limitType === 'requests';
      if (!back) await new Promise((res) => setTimeout(res, 100));
    }
    expect(back).toBe(true);
    // Counting resumes on the fresh server: exactly 2 allowed.
    const k2 = uniq('after2');
    const rs = await Promise.all(Array.from({ length: 5 }, () => Promise.resolve(rlOpen.check(k2))));
    expect(rs.filter((r) => r.allowed).length).toBe(2);
    process.off('warning', onWarning);
    await open.close();
    await closed.close();
  }, 30_000);

  it('a Redis that stops answering: each check answers by timeoutMs per failMode, then recovers', async () => {
    const open = new RedisStore({ url: redis.url, failMode: 'open', timeoutMs: 150 });
    const closed = new RedisStore({ url: redis.url, failMode: 'closed', timeoutMs: 150 });
    const a = new RateLimiter({ rpm: 1, store: open });
    const b = new RateLimiter({ rpm: 1, store: closed });
    const key = uniq('slow');
    expect((await a.check(key)).allowed).toBe(true);
    expect((await b.check(`${key}:b`)).allowed).toBe(true);
    redis.pause();
    try {
      const t0 = performance.now();
      const [ra, rb] = await Promise.all([a.check(key), b.check(`${key}:b`)]);
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(ra.allowed).toBe(true); // open: allowed although the limit (1) is used up
      expect(rb).toMatchObject({ allowed: false, limitType: 'store_unavailable' });
    } finally {
      redis.resume();
    }
    // Answers again once Redis does (on a new connection: the silent one was dropped): the limit of 1
    // is used, so denied on its merits.
    let r = await a.check(key);
    for (let i = 0; i < 100 && r.limitType !== 'requests'; i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await a.check(key);
    }
    expect(r).toMatchObject({ allowed: false, limitType: 'requests' });
    await open.close();
    await closed.close();
  }, 20_000);

  it('a never-reachable Redis answers per failMode without hanging', async () => {
    const store = new RedisStore({ url: 'redis://127.0.0.1:1', failMode: 'closed', timeoutMs: 100 });
    const rl = new RateLimiter({ rpm: 5, store });
    const r = await rl.check('x');
    expect(r.allowed).toBe(false);
    expect(r.retryAfterMs).toBeGreaterThan(0);
    await store.close();
  });

  it('rejects bad options with messages naming the option', () => {
    const bad: [object, string][] = [
      [{}, 'RedisStore: options: invalid value an object; accepted: an object with exactly one of url, client'],
      [{ url: redis.url, failMode: 'maybe' }, 'RedisStore: failMode: invalid value "maybe"; accepted: open, closed'],
      [{ url: redis.url, timeoutMs: -1 }, 'RedisStore: timeoutMs: invalid value -1; accepted: an integer from 1 to 2147483647'],
      [{ url: redis.url, keyLayout: 'x' }, 'RedisStore: keyLayout: invalid value "x"; accepted: fast-litellm, litellm-proxy'],
      [{ url: redis.url, slotTtlMs: 5 }, 'RedisStore: slotTtlMs: invalid value 5; accepted: an integer from 100 to 2147483647'],
      [{ url: 5 }, 'RedisStore: url: invalid value 5; accepted: a redis:// URL string'],
      [{ client: {} }, 'RedisStore: client: invalid value an object; accepted: an ioredis client'],
    ];
    for (const [options, message] of bad) expect(() => new RedisStore(options as never)).toThrow(message);
    const store = new RedisStore({ url: redis.url, keyLayout: 'litellm-proxy' });
    expect(() => new RateLimiter({ rpm: 1, windowMs: 1500, store })).toThrow(
      "RedisStore (keyLayout 'litellm-proxy'): windowMs: invalid value 1500; accepted: a multiple of 1000 (whole seconds)");
    void store.close();
  });
});
