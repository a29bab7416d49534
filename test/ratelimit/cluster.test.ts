// A Redis Cluster (one real node owning every slot, enough for Redis to refuse multi-slot scripts
// with CROSSSLOT): checks on many keys made in one tick must all reach Redis and be counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RateLimiter, RedisStore } from '../../src/accelerators/ratelimit';
import { freePort, startRedis, type RedisServer } from './redis-server';

const Redis = require('ioredis');
let node: RedisServer;
const dir = mkdtempSync(join(tmpdir(), 'fl-cluster-'));

beforeAll(async () => {
  const port = await freePort();
  node = await startRedis(port, ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-announce-ip', '127.0.0.1']);
  const admin = new Redis(node.url);
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  for (let i = 0; i < 250 && !/cluster_state:ok/.test(await admin.call('CLUSTER', 'INFO')); i++) await new Promise((r) => setTimeout(r, 20));
  await admin.quit();
});
afterAll(async () => {
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('an ioredis Cluster client: checks on keys of different slots, made in one tick, are all counted', async () => {
  const cluster = new Redis.Cluster([{ host: '127.0.0.1', port: node.port }]);
  await new Promise((resolve) => cluster.once('ready', resolve));
  const store = new RedisStore({ client: cluster });
  try {
    const rl = new RateLimiter({ rpm: 2, store });
    const keys = Array.from({ length: 20 }, (_, i) => `cluster-user-${i}`);
    const first = await Promise.all(keys.map((k) => Promise.resolve(rl.check(k))));
    expect(store.errors).toBe(0);
    expect(first.map((r) => [r.allowed, r.remaining])).toEqual(keys.map(() => [true, 1]));
    await Promise.all(keys.map((k) => Promise.resolve(rl.check(k))));
    const third = await Promise.all(keys.map((k) => Promise.resolve(rl.check(k))));
    expect(third.filter((r) => r.allowed)).toHaveLength(0);
    expect(store.errors).toBe(0);
  } finally {
    await store.close();
    await cluster.quit();
  }
});
