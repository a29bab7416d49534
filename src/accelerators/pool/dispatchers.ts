import type { Pool } from 'undici';
import { invalidArgument, outOfRange } from '../../errors';

// undici costs ~80 ms to load: pay it on the first pooled request, not at startup.
let PoolClass: typeof Pool | undefined;
function loadPool(): typeof Pool {
  PoolClass ??= (require('undici') as typeof import('undici')).Pool;
  return PoolClass;
}

/** Pool settings; every field has a default in POOL_DEFAULTS. */
export interface PoolOptions {
  /**
   * Max sockets per origin (FAST_LITELLM_MAX_CONNECTIONS); 0 = no cap, as Node's fetch and the
   * SDKs' keep-alive agents have: a cap would queue requests plain code sends at once, and a stream
   * an app abandons would hold one of the capped sockets until it is garbage collected.
   */
  connections: number;
  /** Idle keep-alive before a socket is closed, unless the server says less. */
  keepAliveTimeout: number;
  keepAliveMaxTimeout: number;
  /**
   * 0 = no undici-level timeout. The SDKs run their own timer (600 s by default) and abort through the
   * signal; a second, shorter undici timer would turn a slow model into a different error.
   */
  headersTimeout: number;
  bodyTimeout: number;
}

export const POOL_DEFAULTS: Readonly<PoolOptions> = Object.freeze({
  connections: 0,
  keepAliveTimeout: 4_000,
  keepAliveMaxTimeout: 600_000,
  headersTimeout: 0,
  bodyTimeout: 0,
});

export interface OriginStats {
  origin: string;
  /** Sockets open now (busy + idle). */
  open: number;
  idle: number;
  running: number;
  queued: number;
  /** Requests dispatched and sockets ever opened on this origin. */
  requests: number;
  connects: number;
  disconnects: number;
  /** Share of requests that reused a socket: 1 - connects / requests. */
  reuseRatio: number;
}

interface Entry {
  pool: Pool;
  requests: number;
  connects: number;
  disconnects: number;
}

const MAX_TIMER_MS = 0x7fff_ffff;

/**
 * What undici and Node's timers accept, so a value the config lets through never fails later, at the
 * first request (undici refuses a keep-alive of 0; a timer over 2^31-1 ms fires after 1 ms).
 */
export const POOL_RANGES: Readonly<Record<keyof PoolOptions, { min: number; max: number }>> = Object.freeze({
  connections: { min: 0, max: 65_536 },
  keepAliveTimeout: { min: 1, max: MAX_TIMER_MS },
  keepAliveMaxTimeout: { min: 1, max: MAX_TIMER_MS },
  headersTimeout: { min: 0, max: MAX_TIMER_MS },
  bodyTimeout: { min: 0, max: MAX_TIMER_MS },
});

export function checkPoolOptions(options: Partial<PoolOptions> = {}): PoolOptions {
  if (options === null || typeof options !== 'object') invalidArgument('DispatcherRegistry: options', options, 'an object');
  const out = { ...POOL_DEFAULTS };
  for (const key of Object.keys(POOL_DEFAULTS) as (keyof PoolOptions)[]) {
    const v: unknown = options[key];
    if (v === undefined) continue;
    const { min, max } = POOL_RANGES[key];
    const accepted = `an integer from ${min} to ${max}`;
    if (typeof v !== 'number') invalidArgument(`DispatcherRegistry: ${key}`, v, accepted);
    if (!Number.isInteger(v) || v < min || v > max) outOfRange(`DispatcherRegistry: ${key}`, v, accepted);
    out[key] = v;
  }
  return out;
}

/** One undici Pool per origin, created on first use, shared by every client and API key. */
export class DispatcherRegistry {
  readonly options: PoolOptions;
  #entries = new Map<string, Entry>();

  constructor(options: Partial<PoolOptions> = {}) {
    this.options = checkPoolOptions(options);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The entry for an origin (`http://host:port`); counts one request. */
  acquire(origin: string): Pool {
    let entry = this.#entries.get(origin);
    if (entry === undefined) entry = this.#create(origin);
    entry.requests++;
    return entry.pool;
  }

  #create(origin: string): Entry {
    // A registry used after close() opens fresh pools: closing is a reset, not a poison pill.
    const o = this.options;
    const pool = new (loadPool())(origin, {
      connections: o.connections === 0 ? null : o.connections,
      keepAliveTimeout: o.keepAliveTimeout,
      keepAliveMaxTimeout: o.keepAliveMaxTimeout,
      headersTimeout: o.headersTimeout,
      bodyTimeout: o.bodyTimeout,
    });
    const entry: Entry = { pool, requests: 0, connects: 0, disconnects: 0 };
    pool.on('connect', () => { entry.connects++; });
    pool.on('disconnect', () => { entry.disconnects++; });
    // Socket errors surface on the request; the pool-level event must not become an uncaught error.
    pool.on('connectionError', () => {});
    this.#entries.set(origin, entry);
    return entry;
  }

  stats(): OriginStats[] {
    const out: OriginStats[] = [];
    for (const [origin, e] of this.#entries) {
      const s = e.pool.stats;
      out.push({
        origin,
        open: s.connected,
        idle: s.free,
        running: s.running,
        queued: s.queued,
        requests: e.requests,
        connects: e.connects,
        disconnects: e.disconnects,
        reuseRatio: e.requests === 0 ? 0 : Math.max(0, 1 - e.connects / e.requests),
      });
    }
    return out;
  }

  /** Closes every pool: idle sockets at once, busy ones after their request. */
  async close(): Promise<void> {
    const pools = [...this.#entries.values()].map((e) => e.pool);
    this.#entries.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => p.destroy())));
  }

  /** Destroys every pool now, failing requests in flight. */
  async destroy(): Promise<void> {
    const pools = [...this.#entries.values()].map((e) => e.pool);
    this.#entries.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => {})));
  }
}
