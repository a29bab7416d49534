import { describe, expect, it } from 'vitest';
import { MemoryStore, RateLimiter, RateLimitError, type CheckResult } from '../../src/accelerators/ratelimit';

function clock(start = 1_700_000_040_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('RateLimiter options', () => {
  const bad: [object, string][] = [
    [{ rpm: -1 }, 'RateLimiter: rpm: invalid value -1; accepted: an integer from 1 to 4294967295'],
    [{ rpm: Number.NaN }, 'RateLimiter: rpm: invalid value NaN; accepted: an integer from 1 to 4294967295'],
    [{ rpm: '60' }, 'RateLimiter: rpm: invalid value "60"; accepted: an integer from 1 to 4294967295'],
    [{ rpm: 1.5 }, 'RateLimiter: rpm: invalid value 1.5; accepted: an integer from 1 to 4294967295'],
    [{ tpm: 0 }, 'RateLimiter: tpm: invalid value 0; accepted: an integer from 1 to 4294967295'],
    [{ maxParallel: 70000 }, 'RateLimiter: maxParallel: invalid value 70000; accepted: an integer from 1 to 65535'],
    [{ rpm: 5, windowMs: -5 }, 'RateLimiter: windowMs: invalid value -5; accepted: an integer from 1 to 2147483647'],
    [{ rpm: 5, windowMs: '1s' }, 'RateLimiter: windowMs: invalid value "1s"; accepted: an integer from 1 to 2147483647'],
    [{ rpm: 5, algorithm: 'leaky' }, 'RateLimiter: algorithm: invalid value "leaky"; accepted: sliding-window, token-bucket'],
    [{}, 'RateLimiter: options: invalid value an object; accepted: an object setting at least one of rpm, tpm, maxParallel'],
  ];
  it.each(bad)('rejects %j', (opts, message) => {
    expect(() => new RateLimiter(opts as never)).toThrow(message);
  });

  it('rejects bad call arguments and a bad maxKeys', () => {
    const rl = new RateLimiter({ rpm: 5 });
    expect(() => rl.check(5 as never)).toThrow('RateLimiter.check: key: invalid value 5; accepted: a string');
    expect(() => rl.check('k', { tokens: -1 })).toThrow('RateLimiter.check: tokens: invalid value -1; accepted: a non-negative integer');
    expect(() => new MemoryStore({ maxKeys: 0 })).toThrow('MemoryStore: maxKeys: invalid value 0; accepted: an integer from 1 to 1073741824');
  });

  it('refuses to share one MemoryStore between different limits', () => {
    const store = new MemoryStore();
    new RateLimiter({ rpm: 5, store });
    expect(() => new RateLimiter({ rpm: 6, store })).toThrow(/already used by a RateLimiter with other limits/);
  });
});

describe('exactness', () => {
  it.each(['sliding-window', 'token-bucket'] as const)('%s: N concurrent acquires vs limit L allow exactly min(N, L)', async (algorithm) => {
    for (const [n, l] of [[500, 100], [50, 100], [100, 100]]) {
      const rl = new RateLimiter({ rpm: l, algorithm });
      const results = await Promise.allSettled(Array.from({ length: n }, () => Promise.resolve().then(() => rl.acquire('k'))));
      expect(results.filter((r) => r.status === 'fulfilled').length).toBe(Math.min(n, l));
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected.every((r) => r.reason instanceof RateLimitError)).toBe(true);
    }
  });

  it('maxParallel: exactly L held at once, and a release frees one slot', async () => {
    const rl = new RateLimiter({ maxParallel: 3 });
    const got = await Promise.allSettled(Array.from({ length: 10 }, () => Promise.resolve().then(() => rl.acquire('k'))));
    const leases = got.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ release(): void }>).value);
    expect(leases.length).toBe(3);
    expect(() => rl.acquire('k')).toThrow(RateLimitError);
    leases[0].release();
    leases[0].release(); // idempotent: frees one slot only
    expect(() => rl.acquire('k')).not.toThrow();
    expect(() => rl.acquire('k')).toThrow(RateLimitError);
  });

  it('keys are independent', () => {
    const rl = new RateLimiter({ rpm: 2 });
    for (let i = 0; i < 1000; i++) {
      expect(rl.checkSync(`user:${i}`).allowed).toBe(true);
      expect(rl.checkSync(`user:${i}`).allowed).toBe(true);
    }
    for (let i = 0; i < 1000; i++) expect(rl.checkSync(`user:${i}`).allowed).toBe(false);
  });
});

describe('sliding window (two-bucket estimate)', () => {
  it('weights the previous window by the part of it still inside the sliding window', () => {
    const c = clock(1_000_000); // a window edge for W=1000
    const rl = new RateLimiter({ rpm: 10, windowMs: 1000, clock: c.now });
    for (let i = 0; i < 10; i++) expect(rl.checkSync('k').allowed).toBe(true);
    let r = rl.checkSync('k');
    expect(r).toEqual<CheckResult>({ allowed: false, remaining: 0, limit: 10, resetMs: 1000, retryAfterMs: 1100, limitType: 'requests', remainingRequests: 0, remainingTokens: Infinity });
    c.t += 999; // last ms of the window
    expect(rl.checkSync('k').allowed).toBe(false);
    c.t += 1; // next window: previous 10 weighted 1.0 -> still full
    r = rl.checkSync('k');
    expect(r.allowed).toBe(false);
    expect(r.retryAfterMs).toBe(100); // 10 * (1 - 100/1000) + 1 <= 10
    c.t += 99;
    expect(rl.checkSync('k').allowed).toBe(false);
    c.t += 1;
    expect(rl.checkSync('k').allowed).toBe(true);
    expect(rl.checkSync('k').allowed).toBe(false);
    c.t += 500; // weight 0.4: 4 + 1 counted -> 5 left
    let n = 0;
    while (rl.checkSync('k').allowed) n++;
    expect(n).toBe(5);
    c.t += 2000; // two windows later everything is forgotten
    n = 0;
    while (rl.checkSync('k').allowed) n++;
    expect(n).toBe(10);
  });

  it('tpm: reserves tokens, denies past the limit, reconcile gives back or takes more', () => {
    const c = clock(2_000_000);
    const rl = new RateLimiter({ tpm: 1000, windowMs: 1000, clock: c.now });
    expect(rl.checkSync('k', { tokens: 600 }).remaining).toBe(400);
    const r = rl.checkSync('k', { tokens: 500 });
    expect(r.allowed).toBe(false);
    expect(r.limitType).toBe('tokens');
    expect(r.remaining).toBe(400);
    void rl.reconcile('k', 100, 600); // used 100 of 600 reserved
    expect(rl.checkSync('k', { tokens: 900 }).allowed).toBe(true);
    void rl.reconcile('k', 50); // unreserved usage counts too: 1000 + 50 > limit
    expect(rl.checkSync('k', { tokens: 0 }).allowed).toBe(false);
    // More than the whole limit can never pass.
    c.t += 5000;
    expect(rl.checkSync('k', { tokens: 1001 }).retryAfterMs).toBe(Infinity);
  });

  it('a lease reconciles once and releases once', async () => {
    const c = clock(3_000_000);
    const rl = new RateLimiter({ tpm: 100, maxParallel: 1, windowMs: 1000, clock: c.now });
    const lease = (await rl.acquire('k', { tokens: 80 })) as Awaited<ReturnType<RateLimiter['acquire']>>;
    expect(lease.reservedTokens).toBe(80);
    expect(rl.checkSync('k', { tokens: 30 }).allowed).toBe(false);
    void lease.reconcile(10);
    void lease.reconcile(0); // ignored
    expect(rl.checkSync('k', { tokens: 30 }).allowed).toBe(true);
    expect(() => rl.acquire('k')).toThrow(/max_parallel_requests limit 1/);
    void lease.release();
    expect(() => rl.acquire('k')).not.toThrow();
  });
});

describe('token bucket (GCRA)', () => {
  it('allows a burst of the limit, then refills one unit per windowMs/limit', () => {
    const c = clock(5_000_000);
    const rl = new RateLimiter({ rpm: 4, windowMs: 1000, algorithm: 'token-bucket', clock: c.now });
    for (let i = 0; i < 4; i++) expect(rl.checkSync('k').remaining).toBe(3 - i);
    const r = rl.checkSync('k');
    expect(r.allowed).toBe(false);
    expect(r.retryAfterMs).toBe(250);
    c.t += 249;
    expect(rl.checkSync('k').allowed).toBe(false);
    c.t += 1;
    expect(rl.checkSync('k').allowed).toBe(true);
    expect(rl.checkSync('k').allowed).toBe(false);
    c.t += 10_000; // full again, never above capacity
    let n = 0;
    while (rl.checkSync('k').allowed) n++;
    expect(n).toBe(4);
  });

  it('tokens: variable cost and reconcile', () => {
    const c = clock(6_000_000);
    const rl = new RateLimiter({ tpm: 1000, windowMs: 1000, algorithm: 'token-bucket', clock: c.now });
    expect(rl.checkSync('k', { tokens: 1000 }).allowed).toBe(true);
    const r = rl.checkSync('k', { tokens: 100 });
    expect(r.allowed).toBe(false);
    expect(r.retryAfterMs).toBe(100);
    void rl.reconcile('k', 500, 1000);
    expect(rl.checkSync('k', { tokens: 500 }).allowed).toBe(true);
    expect(rl.checkSync('k', { tokens: 1 }).allowed).toBe(false);
  });
});

describe('waiting', () => {
  it("acquire waits up to maxWaitMs, and gives up with a RateLimitError saying so", async () => {
    const rl = new RateLimiter({ rpm: 2, windowMs: 100, algorithm: 'token-bucket' });
    rl.checkSync('k');
    rl.checkSync('k');
    const lease = await rl.acquire('k', { maxWaitMs: 1000 });
    expect(lease.result.allowed).toBe(true);
    rl.checkSync('k');
    const err = await Promise.resolve(rl.acquire('k', { maxWaitMs: 5, scope: 'model' })).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.scope).toBe('model');
  });

  it('a waiter for a parallel slot is woken by a release', async () => {
    const rl = new RateLimiter({ maxParallel: 1 });
    const a = rl.acquire('k') as { release(): void };
    const waiting = rl.acquire('k', { maxWaitMs: 10_000 });
    setTimeout(() => a.release(), 5);
    const b = await waiting;
    expect(b.result.allowed).toBe(true);
  });
});

describe('RateLimitError', () => {
  it('has the 429 shape with LiteLLM proxy style headers', () => {
    const c = clock(960_000); // a window start
    const rl = new RateLimiter({ rpm: 1, tpm: 100, windowMs: 60_000, clock: c.now });
    rl.checkSync('k', { tokens: 40 });
    let err: RateLimitError | undefined;
    try {
      void rl.acquire('k', { scope: 'api_key' });
    } catch (e) {
      err = e as RateLimitError;
    }
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({
      name: 'RateLimitError',
      code: 'FAST_LITELLM_RATE_LIMITED',
      status: 429,
      limitType: 'requests',
      limit: 1,
      retryAfterMs: 120_000, // next window, then the previous count's weight must decay
      scope: 'api_key',
    });
    expect(err!.headers).toEqual({
      'retry-after': '120',
      rate_limit_type: 'requests',
      'x-ratelimit-limit-requests': '1',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '60',
      'x-ratelimit-limit-tokens': '100',
      'x-ratelimit-remaining-tokens': '60',
    });
    expect(err!.message).toBe('Rate limit exceeded (api_key): requests limit 1, retry after 120000 ms');
  });
});

describe('MemoryStore memory bounds', () => {
  it('evicts idle keys lazily and never holds more than maxKeys', () => {
    const c = clock(10_000_000);
    const store = new MemoryStore({ maxKeys: 5000 });
    const rl = new RateLimiter({ rpm: 1, windowMs: 1000, store, clock: c.now });
    for (let i = 0; i < 4000; i++) rl.checkSync(`a${i}`);
    expect(store.size).toBe(4000);
    c.t += 2000; // all idle now
    for (let i = 0; i < 4000; i++) rl.checkSync(`b${i}`);
    expect(store.size).toBeLessThanOrEqual(5000);
    expect(store.evictions).toBe(0); // idle keys made room, nothing active was dropped
    // Active keys beyond maxKeys: bounded, and the drops are counted.
    for (let i = 0; i < 6000; i++) rl.checkSync(`c${i}`);
    expect(store.size).toBe(5000);
    expect(store.evictions).toBeGreaterThan(0);
    // Surviving keys keep exact counts after all that shifting.
    expect(rl.checkSync('c5999').allowed).toBe(false);
  });

  it('keeps state through table growth', () => {
    const rl = new RateLimiter({ rpm: 3 });
    for (let i = 0; i < 20_000; i++) rl.checkSync(`k${i}`);
    for (let i = 0; i < 20_000; i += 997) expect(rl.checkSync(`k${i}`).remaining).toBe(1);
  });
});

describe('tryConsume', () => {
  it.each(['sliding-window', 'token-bucket'] as const)('%s: same decisions as check(), as booleans', (algorithm) => {
    const c = clock(7_000_000);
    const a = new RateLimiter({ rpm: 3, tpm: 50, windowMs: 1000, algorithm, clock: c.now });
    const b = new RateLimiter({ rpm: 3, tpm: 50, windowMs: 1000, algorithm, clock: c.now });
    for (let step = 0; step < 40; step++) {
      const tokens = (step * 7) % 20;
      expect(a.tryConsume(`k${step % 3}`, tokens)).toBe(b.checkSync(`k${step % 3}`, { tokens }).allowed);
      c.t += 37;
    }
  });
});

describe('slot layouts', () => {
  it('rpm above 65535 (counts in full words) rolls windows like the packed layout', () => {
    const c = clock(1_000_000);
    const rl = new RateLimiter({ rpm: 70_000, tpm: 1_000_000, maxParallel: 2, windowMs: 1000, clock: c.now });
    let n = 0;
    while (rl.tryConsume('k', 1)) n++;
    expect(n).toBe(70_000);
    c.t += 1500; // previous window weighs 0.5: 35,000 left
    n = 0;
    while (rl.tryConsume('k')) n++;
    expect(n).toBe(35_000);
    const lease = rl.acquire('other') as { release(): void };
    expect(() => rl.acquire('other')).not.toThrow();
    expect(() => rl.acquire('other')).toThrow(/max_parallel_requests/);
    lease.release();
  });

  it('token bucket with every limit keeps separate state per key through growth', () => {
    const c = clock(2_000_000);
    const rl = new RateLimiter({ rpm: 2, tpm: 100, maxParallel: 1, windowMs: 1000, algorithm: 'token-bucket', clock: c.now });
    for (let i = 0; i < 5000; i++) expect(rl.checkSync(`k${i}`, { tokens: 60 }).allowed).toBe(true);
    for (let i = 0; i < 5000; i += 499) {
      expect(rl.checkSync(`k${i}`, { tokens: 60 }).limitType).toBe('tokens');
      expect(rl.checkSync(`k${i}`, { tokens: 40 }).allowed).toBe(true);
      expect(rl.checkSync(`k${i}`).limitType).toBe('requests');
    }
  });
});

describe('requests that can never fit, and long waits (issue 11 #12)', () => {
  it('more tokens than tpm is denied at once, whatever maxWaitMs', () => {
    const rl = new RateLimiter({ tpm: 10 });
    for (const maxWaitMs of [0, 1000, Infinity]) {
      let err: unknown;
      try {
        void rl.acquire('k', { tokens: 11, maxWaitMs });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RateLimitError);
      expect((err as RateLimitError).retryAfterMs).toBe(Infinity);
    }
  });

  it('a wait longer than a timer can hold sleeps (clamped), without polling or TimeoutOverflowWarning', async () => {
    class CountingStore extends MemoryStore {
      consumed = 0;
      override consume(...a: Parameters<MemoryStore['consume']>): CheckResult {
        this.consumed++;
        return super.consume(...a);
      }
    }
    const warnings: string[] = [];
    const onWarning = (w: Error): void => { warnings.push(w.name); };
    process.on('warning', onWarning);
    try {
      const store = new CountingStore();
      const rl = new RateLimiter({ rpm: 1, windowMs: 2 ** 31 - 1, store, clock: () => 2 ** 31 - 10 });
      void rl.acquire('k');
      const waiting = Promise.resolve(rl.acquire('k', { maxWaitMs: Infinity })).catch((e) => e);
      await new Promise((r) => setTimeout(r, 100));
      expect(store.consumed).toBe(2); // the first check and the one that started the wait: no polling
      await rl.close(); // ends the wait
      expect(await waiting).toBeInstanceOf(RateLimitError);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
