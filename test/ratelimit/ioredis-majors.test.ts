import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../node-child';
import { ioredisEnv } from './ioredis';
import { freePort, startRedis, type RedisServer } from './redis-server';

// Issue 13 item 6: the RedisStore on ioredis 5 and 6 (6 speaks RESP3 by default). The same tour of
// the store's client paths gives the same answers on both. (`npm run test:ioredis6` runs every Redis
// test file on 6.)
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

describe('RedisStore on each ioredis major', () => {
  it('ioredis 5 and 6 answer the same', async () => {
    const refused = `redis://127.0.0.1:${await freePort()}`;
    const tour = join(__dirname, 'fixtures', 'ioredis-tour.ts');
    const [v5, v6] = await Promise.all(([5, 6] as const).map((major) =>
      runNode(['--import', 'tsx', tour, redis.url, refused, `v${major}`], ioredisEnv(major), 60_000)));
    expect(v5.out.major).toBe(5);
    expect(v6.out.major).toBe(6);
    const expected = {
      allowed: 50, last: 'requests', held: 3, denied: 2, again: ['fulfilled', 'rejected'],
      proxyKeys: ['1', '1'], refused: [true, 'store_unavailable'], errors: 0,
    };
    expect(v5.out).toMatchObject(expected);
    expect({ ...v6.out, major: 5 }).toEqual(v5.out);
  }, 240_000);
});
