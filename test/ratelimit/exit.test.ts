import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type RedisServer } from './redis-server';

// Issue 11 #7: a process using a RedisStore exits by itself when its work is done, whether Redis
// refuses connections, accepts them and never answers, or was killed and is not back. The child
// never calls close(); the test waits for its exit (killing it after 20 s counts as a failure).
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

interface Run { code: number | null; killed: boolean; lines: string[] }

function run(args: string[], onReady?: () => Promise<void>): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'exit-worker.ts'), ...args], {
      cwd: join(__dirname, '..', '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    let killed = false;
    const timer = setTimeout(() => { killed = true; p.kill('SIGKILL'); }, 20_000);
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (onReady && out.includes('ready\n')) {
        const go = onReady;
        onReady = undefined;
        void go().then(() => p.stdin.end('go\n'));
      }
    });
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, killed, lines: out.trim().split('\n') });
    });
  });
}

describe('a process using RedisStore exits by itself', () => {
  it('Redis refusing connections', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const r = await run([url, 'open']);
    expect(r).toMatchObject({ killed: false, code: 0 });
    expect(JSON.parse(r.lines.at(-1)!)).toEqual({ first: 'allowed', second: 'allowed' });
  });

  it('Redis accepting connections and never answering (stopped process)', async () => {
    const stalled = await startRedis();
    stalled.pause();
    try {
      const r = await run([stalled.url, 'closed']);
      expect(r).toMatchObject({ killed: false, code: 0 });
      expect(JSON.parse(r.lines.at(-1)!)).toEqual({ first: 'RateLimitError', second: 'RateLimitError' });
    } finally {
      await stalled.stop();
    }
  });

  it('Redis killed while the app runs, and not back when it ends', async () => {
    const r = await run([redis.url, 'open', 'wait'], () => redis.stop());
    expect(r).toMatchObject({ killed: false, code: 0 });
    expect(JSON.parse(r.lines.at(-1)!)).toEqual({ first: 'allowed', second: 'allowed' });
  });
});
