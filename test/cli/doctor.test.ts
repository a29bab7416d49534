// `fast-litellm doctor` against real projects: a healthy one (self-test in a child process under
// --import fast-litellm/register, against the embedded mock), and broken ones.
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { doctorCommand } from '../../src/cli/doctor';
import { ensureBuilt } from '../node-child';
import { freePort, startRedis, type RedisServer } from '../ratelimit/redis-server';
import { cleanEnv, project, root } from './helpers';

async function doctor(dir: string, env: NodeJS.ProcessEnv, extra: string[] = []) {
  let out = '';
  const code = await doctorCommand(['--dir', dir, ...extra], { out: (s) => (out += s), err: () => undefined }, env);
  return { code, out };
}

async function doctorJson(dir: string, env: NodeJS.ProcessEnv, extra: string[] = []) {
  const r = await doctor(dir, env, ['--json', ...extra]);
  const doc = JSON.parse(r.out);
  return { code: r.code, doc, check: (name: string) => doc.checks.find((c: any) => c.name === name) };
}

const problemLines = (out: string) => out.split('\n').filter((l) => l.startsWith('  PROBLEM '));

let healthy: string;
beforeAll(() => {
  ensureBuilt();
  healthy = project({ litellm: join(root, 'node_modules', 'litellm'), 'fast-litellm': root });
});

describe('fast-litellm doctor: a healthy project', () => {
  it('every check passes; the self-test ran each feature under --import fast-litellm/register; exit 0', async () => {
    const { code, doc, check } = await doctorJson(healthy, cleanEnv());
    expect(doc.checks.filter((c: any) => c.status === 'problem')).toEqual([]);
    expect(code).toBe(0);
    expect(doc.problems).toBe(0);
    expect(check('litellm')).toMatchObject({ status: 'ok', detail: expect.stringContaining('0.12.0') });
    expect(check('openai')).toMatchObject({ status: 'ok', detail: expect.stringContaining("(litellm's copy)") });
    expect(check('fast-litellm/register').status).toBe('ok');
    expect(check('Redis').status).toBe('skipped');
    expect(check('self-test: the register hook is active').status).toBe('ok');
    expect(check('self-test: token counts equal plain litellm')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/equal js-tiktoken on \d+ texts$/) });
    expect(check('self-test: pooled completion through litellm')).toMatchObject({ status: 'ok', detail: expect.stringContaining('through the pool') });
    expect(check('self-test: streamed completion through litellm')).toMatchObject({ status: 'ok', detail: expect.stringContaining('the same text') });
    expect(check('self-test: rate limit denial')).toMatchObject({ status: 'skipped', detail: 'rate limiting is not configured' });
    expect(check('self-test: patch rows').status).toBe('ok');
    expect(typeof doc.duration_ms).toBe('number');
  }, 60_000);

  it('with limits and a reachable Redis: PING answered, a call past the limit denied', async () => {
    const redis: RedisServer = await startRedis();
    try {
      const { code, out } = await doctor(healthy, cleanEnv({ FAST_LITELLM_RPM: '600', FAST_LITELLM_REDIS_URL: redis.url }));
      expect(problemLines(out)).toEqual([]);
      expect(code).toBe(0);
      expect(out).toMatch(new RegExp(`^ {2}ok +Redis +${redis.url.replace(/[/.]/g, '\\$&')} answered PING in [\\d.]+ ms$`, 'm'));
      expect(out).toMatch(/^ {2}ok +rate limit denial +call 3 denied with rpm 2 \(429 RateLimitError\), nothing sent$/m);
      expect(out).toMatch(/\nNo problems found \([\d.]+ s\)\.\n$/);
    } finally {
      await redis.stop();
    }
  }, 60_000);
});

describe('fast-litellm doctor: broken projects, one line per problem, exit 1', () => {
  it('a project without litellm (or any SDK): nothing to accelerate', async () => {
    const dir = project({ 'fast-litellm': root });
    const { code, out } = await doctor(dir, cleanEnv());
    expect(code).toBe(1);
    expect(problemLines(out)).toEqual([
      expect.stringMatching(/^ {2}PROBLEM +targets +none of litellm, openai, @anthropic-ai\/sdk is installed under .+: nothing to accelerate$/),
    ]);
    expect(out).toMatch(/^ {2}skip +litellm +not installed$/m);
    expect(out).toMatch(/^ {2}skip +self-test +no supported litellm or openai to test$/m);
    expect(out).toMatch(/\n1 problem found/);
  });

  it('an unsupported litellm version (test/fixtures/unsupported: 0.13.2)', async () => {
    const { code, out } = await doctor(join(root, 'test/fixtures/unsupported'), cleanEnv());
    expect(code).toBe(1);
    expect(problemLines(out)).toEqual([
      '  PROBLEM  litellm                0.13.2 is outside the supported range >=0.12.0 <0.13.0: it runs unaccelerated',
    ]);
  }, 60_000);

  it('Redis configured but down (a closed port): refused, the rate-limit check skipped, still quick', async () => {
    const port = await freePort();
    const t0 = performance.now();
    const { code, doc, check } = await doctorJson(healthy, cleanEnv({ FAST_LITELLM_RPM: '600', FAST_LITELLM_REDIS_URL: `redis://:secret@127.0.0.1:${port}` }));
    expect(code).toBe(1);
    expect(doc.checks.filter((c: any) => c.status === 'problem')).toEqual([
      { name: 'Redis', status: 'problem', detail: `redis://:***@127.0.0.1:${port}: connection refused; with failMode open, calls are admitted without limits while it is down` },
    ]);
    expect(JSON.stringify(doc)).not.toContain('secret');
    expect(check('self-test: rate limit denial')).toMatchObject({ status: 'skipped', detail: 'Redis is unreachable' });
    expect(performance.now() - t0).toBeLessThan(30_000);
  }, 60_000);

  it('Redis that accepts but never answers: no answer within the PING timeout', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const { port } = silent.address() as { port: number };
    try {
      const { code, check } = await doctorJson(healthy, cleanEnv({ FAST_LITELLM_REDIS_URL: `redis://127.0.0.1:${port}` }), ['--redis-timeout-ms', '200', '--no-self-test']);
      expect(code).toBe(1);
      expect(check('Redis').detail).toContain('no answer within 200 ms');
    } finally {
      silent.close();
    }
  });

  it('an invalid setting and fast-litellm missing from the project: one problem line each', async () => {
    const dir = project({ litellm: join(root, 'node_modules', 'litellm') });
    const { code, out } = await doctor(dir, cleanEnv({ FAST_LITELLM_RPM: 'lots' }));
    expect(code).toBe(1);
    const lines = problemLines(out);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ {2}PROBLEM +configuration +FAST_LITELLM_RPM: invalid value/);
    expect(lines[1]).toMatch(/^ {2}PROBLEM +fast-litellm\/register +does not resolve from the project.*npm i fast-litellm$/);
    expect(out).toMatch(/\n2 problems found/);
  });
});
