// The router's own ioredis client from a URL: failing fast while disconnected (no offline queue,
// no per-command retries), reconnecting on its own, and never holding the process alive.

export interface RedisClient {
  status: string;
  defineCommand(name: string, def: { numberOfKeys: number; lua: string }): void;
  on(event: string, fn: (...a: unknown[]) => void): unknown;
  removeListener?(event: string, fn: (...a: unknown[]) => void): unknown;
  disconnect(): void;
  quit(): Promise<unknown>;
  connect?(): Promise<void>;
  [command: string]: unknown;
}

type RedisCtor = new (url: string, opts: object) => RedisClient;

function loadIoredis(): RedisCtor {
  let mod: unknown;
  try {
    // Optional peer dependency: loaded only when a router is given a Redis URL.
    mod = require('ioredis');
  } catch {
    throw new Error('router: redis_url is set but the optional dependency ioredis is not installed (npm i ioredis)');
  }
  const m = mod as { default?: unknown; Redis?: unknown };
  const Redis = typeof mod === 'function' ? mod : m.Redis ?? m.default;
  if (typeof Redis !== 'function') throw new Error('router: the installed ioredis exports no Redis class');
  return Redis as RedisCtor;
}

interface Internals {
  stream?: { unref?(): void };
  connector?: { connect?: (...a: unknown[]) => Promise<{ unref?(): void }> };
  reconnectTimeout?: { unref?(): void } | null;
}

export function createClient(url: string, timeoutMs: number): RedisClient {
  const Redis = loadIoredis();
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(timeoutMs, 1000),
    commandTimeout: timeoutMs,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
  });
  const inner = client as unknown as Internals;
  const connector = inner.connector;
  const connect = connector?.connect;
  if (connector && typeof connect === 'function') {
    // The socket exists before it connects: unref it at once (a black-holed host would hold the process).
    connector.connect = (...a: unknown[]) => connect.apply(connector, a).then((stream) => {
      stream?.unref?.();
      return stream;
    });
  }
  client.on('connect', () => inner.stream?.unref?.());
  client.on('reconnecting', () => inner.reconnectTimeout?.unref?.());
  // Errors surface on the commands; an 'error' event without a listener would crash the host.
  client.on('error', () => undefined);
  void client.connect?.().then(() => inner.stream?.unref?.(), () => undefined);
  return client;
}
