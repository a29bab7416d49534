// `npm run test:ioredis6`: every Redis test file of the rate limiter, run on ioredis 6 (installed on
// demand into test/ratelimit/fixtures/ioredis6) instead of the dev dependency (5). Child processes the
// tests start load 6 as well (the hook goes through NODE_OPTIONS).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ioredisEnv, ROOT } from './ioredis';

const FILES = ['redis', 'redis-slots', 'redis-load', 'parity', 'cluster', 'exit', 'litellm']
  .map((f) => join('test', 'ratelimit', `${f}.test.ts`));

const env = { ...process.env, ...ioredisEnv(6) };
const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'vitest'), ['run', ...FILES, ...process.argv.slice(2)], {
  cwd: ROOT, env, stdio: 'inherit',
});
process.exit(r.status ?? 1);
