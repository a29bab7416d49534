import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';

// A real redis-server of our own on a free loopback port, started and stopped by the test.

export const REDIS_BIN = existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

export interface RedisServer {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Starts again on the same port (after stop). */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that accepts connections but answers nothing (a "slow" Redis). */
  pause(): void;
  resume(): void;
}

export async function startRedis(port?: number, extraArgs: string[] = []): Promise<RedisServer> {
  const p = port ?? (await freePort());
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    async start() {
      child = spawn(REDIS_BIN, ['--port', String(p), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', ...extraArgs], { stdio: 'ignore' });
      const deadline = Date.now() + 5000;
      while (!(await canConnect(p))) {
        if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${p}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGCONT');
        c.kill('SIGKILL');
      });
    },
  };
  await server.start();
  return server;
}
