import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runTogether } from '../procs';
import { startRedis, type RedisServer } from './redis-server';

// Issue 11 #2: a client whose own event loop is busy is not a Redis outage. 4 processes x 2,500
// concurrent acquires on one key with rpm 1000, each process blocking its loop for 600 ms (more
// than the 250 ms Redis timeout) right after firing them: exactly 1000 admitted, no Redis error.
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

type Answer = { allowed: number; denied: number; errors: number; warnings: string[] };
let seq = 0;

describe('RedisStore under client load', () => {
  it.each(['warm', 'cold'])('%s connection: admission stays exact while the clients are busy', async (mode) => {
    const key = `load:${process.pid}:${++seq}`;
    const out = await runTogether<Answer>(4, join(__dirname, 'fixtures', 'load-worker.ts'), [redis.url, key, '2500', '1000', mode, '600']);
    expect(out.map((o) => o.allowed + o.denied)).toEqual([2500, 2500, 2500, 2500]);
    // Compared whole, so a failure shows each process's answer and warnings.
    expect({ admitted: out.reduce((a, o) => a + o.allowed, 0), errors: out.map((o) => o.errors), out })
      .toMatchObject({ admitted: 1000, errors: [0, 0, 0, 0] });
  }, 60_000);
});
