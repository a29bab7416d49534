import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The ioredis majors the RedisStore is tested on: 5 is the dev dependency; 6 lives in its own
// fixture folder (test/ratelimit/fixtures/ioredis6, node_modules git-ignored), installed here on
// first need from its package.json and lock file. fixtures/ioredis-hook.cjs (node -r) with
// FL_TEST_IOREDIS_DIR makes `require('ioredis')` load that copy instead.

export const ROOT = join(__dirname, '..', '..');
export const IOREDIS_HOOK = join(__dirname, 'fixtures', 'ioredis-hook.cjs');
const IOREDIS6 = join(__dirname, 'fixtures', 'ioredis6');

/** Installs ioredis 6 into its fixture folder unless up to date; returns the folder. */
export function ensureIoredis6(): string {
  const stamp = join(IOREDIS6, 'node_modules', '.fixture-installed');
  const fresh = (): boolean => existsSync(stamp) &&
    statSync(stamp).mtimeMs >= statSync(join(IOREDIS6, 'package-lock.json')).mtimeMs;
  if (fresh()) return IOREDIS6;
  // One install at a time across test files and processes.
  execFileSync('flock', [join(tmpdir(), 'fast-litellm-ioredis6.lock'), 'npm', 'ci', '--prefix', IOREDIS6,
    '--no-audit', '--no-fund', '--loglevel=error'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 });
  writeFileSync(stamp, '');
  return IOREDIS6;
}

/** Environment for a child process that must load ioredis `major`. */
export function ioredisEnv(major: 5 | 6): NodeJS.ProcessEnv {
  if (major === 5) return { FL_TEST_IOREDIS_DIR: '', FL_TEST_IOREDIS_MAJOR: '5' };
  return { FL_TEST_IOREDIS_DIR: ensureIoredis6(), FL_TEST_IOREDIS_MAJOR: '6', NODE_OPTIONS: `-r ${IOREDIS_HOOK}` };
}
