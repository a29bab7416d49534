import http from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startMockServer, type MockServer, type PerRequest } from '../../src/mock';
import { freePort, startRedis, type RedisServer } from '../ratelimit/redis-server';

// The servers of one case, shared by its plain and shimmed runs (one after the other): the embedded
// mock, a "front" server for what the mock does not do (redirects, a connection reset before any
// answer, the case's controls) and, when the row asks, a redis-server of its own.

/** Fault models: the model name picks the fault, since litellm passes no request headers. */
const FAULTS: Record<string, PerRequest> = {
  // A 10 s stream: still going when a case leaves it, so a socket nobody frees outlives the case.
  slow: { tokensPerSec: 40, replyTokens: 400 },
  f429: { fail: 429 },
  f500: { fail: 500 },
  // Half the body, then the socket is destroyed (streams: cut after the first events).
  cut: { drop: true },
  // Never answers.
  hang: { latencyMs: 3_600_000 },
  // Headers and a first event, then nothing for 100 s.
  trickle: { ttftMs: 0, tokensPerSec: 0.01, replyTokens: 100 },
};

function faultModels(): Record<string, PerRequest> {
  const out: Record<string, PerRequest> = {};
  for (const [name, knobs] of Object.entries(FAULTS)) {
    for (const prefix of ['', 'gpt-', 'claude-', 'text-embedding-']) out[prefix + name] = knobs;
  }
  return out;
}

export interface CaseServers {
  mock: MockServer;
  frontUrl: string;
  redisUrl?: string;
  refusedUrl: string;
  /** Between the plain and the shimmed run: fresh stats, Redis as the row starts it. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export type RedisAtStart = 'up' | 'down';

function redisCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s: Socket = connect(port, '127.0.0.1');
    let reply = '';
    s.on('connect', () => s.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    s.on('data', (d) => {
      reply += d.toString();
      if (reply.endsWith('\r\n')) {
        s.destroy();
        resolve(reply.trim());
      }
    });
    s.on('error', reject);
  });
}

export async function startCaseServers(redisAtStart?: RedisAtStart): Promise<CaseServers> {
  const mock = await startMockServer({ models: faultModels() });
  const redisPort = redisAtStart === undefined ? undefined : await freePort();
  const redisArgs = ['--enable-debug-command', 'yes'];
  let redis: RedisServer | undefined;
  const hits: Record<string, number> = {};

  let up = false;
  const startRedisNow = async () => {
    if (up) return;
    if (redis === undefined) redis = await startRedis(redisPort, redisArgs);
    else await redis.start();
    up = true;
  };
  const stopRedis = async () => {
    up = false;
    await redis?.stop();
  };

  const controls: Record<string, (q: URLSearchParams) => Promise<unknown>> = {
    stats: async () => ({ ...mock.stats(), front: { ...hits } }),
    'redis/kill': async () => {
      await stopRedis();
      return { killed: true };
    },
    'redis/start': async () => (await startRedisNow(), { started: true }),
    // Answers once Redis has slept: a case can tell what settled during the stall.
    'redis/sleep': async (q) => ({ reply: await redisCommand(redisPort!, ['DEBUG', 'SLEEP', q.get('s') ?? '1']) }),
  };

  const front = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://front');
    const control = url.pathname.startsWith('/__') ? controls[url.pathname.slice(3)] : undefined;
    if (control) {
      req.resume();
      void control(url.searchParams).then(
        (body) => res.end(JSON.stringify(body)),
        (err: Error) => res.writeHead(500).end(JSON.stringify({ error: err.message })),
      );
      return;
    }
    const [, head, ...rest] = url.pathname.split('/');
    hits[`${req.method} ${head}`] = (hits[`${req.method} ${head}`] ?? 0) + 1;
    req.resume();
    req.on('end', () => {
      const redirect = /^r(30[1-8])$/.exec(head);
      if (redirect) {
        res.writeHead(Number(redirect[1]), { location: `${mock.url}/${rest.join('/')}${url.search}` }).end();
      } else if (head === 'reset') {
        // The request arrived whole; the connection goes without a byte of answer.
        req.socket.destroy();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  front.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
  front.unref();
  const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  const refusedUrl = `http://127.0.0.1:${await freePort()}`;

  // Each run gets a Redis of its own start: a fresh server (no counts of the run before) or none.
  const atStart = async () => {
    await stopRedis();
    if (redisAtStart === 'up') await startRedisNow();
  };
  await atStart();

  return {
    mock,
    frontUrl,
    redisUrl: redisPort === undefined ? undefined : `redis://127.0.0.1:${redisPort}`,
    refusedUrl,
    async reset() {
      mock.resetStats();
      for (const k of Object.keys(hits)) delete hits[k];
      await atStart();
    },
    async close() {
      await stopRedis();
      front.closeAllConnections();
      await new Promise((r) => front.close(r));
      await mock.close();
    },
  };
}
