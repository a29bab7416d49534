// One PING to the configured Redis over a raw socket (RESP), with a short deadline: no client library
// needed, so `doctor` can tell "Redis down" apart from "ioredis missing".
import { connect as tcp, type Socket } from 'node:net';
import { connect as tls } from 'node:tls';

export interface PingResult {
  ok: boolean;
  /** Round trip of the PING (after AUTH), ms. */
  ms?: number;
  /** Why not: 'connection refused', 'no answer within 1000 ms', the server's error line. */
  error?: string;
}

/** The URL with any password replaced, so it can be printed. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

const command = (...parts: string[]) =>
  `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;

export function pingRedis(url: string, timeoutMs = 1000): Promise<PingResult> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, error: 'invalid URL' });
  }
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(u.port || 6379);
  const password = decodeURIComponent(u.password);
  const user = decodeURIComponent(u.username);
  return new Promise((resolve) => {
    let buf = '';
    let sentPingAt = 0;
    let settled = false;
    const done = (r: PingResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
    const onConnect = () => {
      const auth = password ? (user ? command('AUTH', user, password) : command('AUTH', password)) : '';
      sentPingAt = performance.now();
      sock.write(auth + command('PING'));
    };
    const sock: Socket = u.protocol === 'rediss:'
      ? tls({ host, port, servername: host }, onConnect)
      : tcp({ host, port }, onConnect);
    sock.unref();
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\r\n');
      for (const line of lines.slice(0, -1)) {
        if (line.startsWith('-')) return done({ ok: false, error: `Redis answered ${line.slice(1).split(' ').slice(0, 6).join(' ')}` });
        if (line === '+PONG') return done({ ok: true, ms: Math.round((performance.now() - sentPingAt) * 100) / 100 });
      }
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      const what = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'host not found' : (err.code ?? err.message);
      done({ ok: false, error: what });
    });
    sock.on('close', () => done({ ok: false, error: 'connection closed before PONG' }));
  });
}
