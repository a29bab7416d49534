// The ioredis client fast-litellm builds for itself from a URL (rate-limit store, router state):
// unref'd from its first socket on, so it never keeps a process alive (refused, black-holed, or killed
// and not back), and failing fast while disconnected instead of queueing commands until Redis returns.
// ioredis is an optional peer dependency (5 or 6), loaded only when a Redis URL is given.
import { MissingDependencyError } from '../../errors';

/** The slice of an ioredis client our stores use. */
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

function loadIoredis(who: string): RedisCtor {
  let mod: unknown;
  try {
    mod = require('ioredis');
  } catch {
    throw new MissingDependencyError(`${who}: the optional dependency ioredis is not installed (npm i ioredis), or pass { client }`);
  }
  const m = mod as { default?: unknown; Redis?: unknown };
  const Redis = typeof mod === 'function' ? mod : m.Redis ?? m.default;
  if (typeof Redis !== 'function') throw new MissingDependencyError(`${who}: the installed ioredis exports no Redis class`);
  return Redis as RedisCtor;
}

export interface OwnClientOptions {
  /** Named in errors ('RedisStore', 'router'). */
  who: string;
  connectTimeoutMs: number;
  /** ioredis' own per-command timer; leave it unset where the caller times commands itself. */
  commandTimeoutMs?: number;
  /** Delay before reconnect attempt n. */
  retryDelayMs?: (attempt: number) => number;
}

/** A client of our own for `url`; its socket and reconnect timer never hold the process. */
export function ownClient(url: string, o: OwnClientOptions): RedisLike {
  const Redis = loadIoredis(o.who);
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: o.connectTimeoutMs,
    ...(o.commandTimeoutMs === undefined ? {} : { commandTimeout: o.commandTimeoutMs }),
    retryStrategy: o.retryDelayMs ?? ((times: number) => Math.min(50 * times, 1000)),
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
  // Errors surface on the commands; an 'error' event without a listener would crash the host.
  client.on('error', () => undefined);
  void client.connect?.().catch(() => undefined);
  return client;
}

/** Closes a client of ours at once, its socket included (no disconnect timer left behind). */
export function dropClient(client: RedisLike): void {
  client.disconnect();
  (client as unknown as Internals).stream?.destroy?.();
}
