// The ioredis client a RedisStore builds for itself from a URL: unref'd from its first socket on, so it
// never keeps a process alive (refused, black-holed, or killed and not back), and failing fast while
// disconnected instead of queueing checks until Redis returns. Works with ioredis 5 and 6.
import { MissingDependencyError } from '../../errors';

/** The slice of an ioredis client the store uses. */
export interface RedisLike {
  status: string;
  defineCommand(name: string, def: { numberOfKeys?: number; lua: string }): void;
  on(event: string, fn: (...a: unknown[]) => void): unknown;
  once(event: string, fn: (...a: unknown[]) => void): unknown;
  removeListener(event: string, fn: (...a: unknown[]) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
  connect?(): Promise<void>;
  [command: string]: unknown;
}

type RedisCtor = new (url: string, opts: object) => RedisLike;

interface Internals {
  stream?: { unref?(): void; destroy?(): void };
  connector?: { connect?: (...a: unknown[]) => Promise<{ unref?(): void }> };
  reconnectTimeout?: { unref?(): void } | null;
}

function loadIoredis(): RedisCtor {
  let mod: unknown;
  try {
    // Optional peer dependency, loaded only when a RedisStore is built from a URL.
    mod = require('ioredis');
  } catch {
    throw new MissingDependencyError('RedisStore: the optional dependency ioredis is not installed (npm i ioredis), or pass { client }');
  }
  const m = mod as { default?: unknown; Redis?: unknown };
  const Redis = typeof mod === 'function' ? mod : m.Redis ?? m.default;
  if (typeof Redis !== 'function') throw new MissingDependencyError('RedisStore: the installed ioredis exports no Redis class');
  return Redis as RedisCtor;
}

/** A client of our own for `url`; its socket and reconnect timer never hold the process. */
export function ownClient(url: string, connectTimeoutMs: number): RedisLike {
  const Redis = loadIoredis();
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Our deadline (redis-deadline.ts) times commands; ioredis' own timer would count our busy loop.
    connectTimeout: connectTimeoutMs,
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
  });
  const inner = client as unknown as Internals;
  const connector = inner.connector;
  const connect = connector?.connect;
  if (connector && typeof connect === 'function') {
    // The socket exists from here on, before it connects: unref it at once, not on 'connect'.
    connector.connect = (...a: unknown[]) => connect.apply(connector, a).then((stream) => {
      stream?.unref?.();
      return stream;
    });
  }
  // A reconnect timer is armed just before 'reconnecting' is emitted.
  client.on('reconnecting', () => inner.reconnectTimeout?.unref?.());
  client.on('connect', () => inner.stream?.unref?.());
  void client.connect?.().catch(() => undefined);
  return client;
}

/** Closes a client of ours at once, its socket included (no disconnect timer left behind). */
export function dropClient(client: RedisLike): void {
  client.disconnect();
  (client as unknown as Internals).stream?.destroy?.();
}
