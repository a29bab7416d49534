import type { GroupRuntime } from './group';
import { ownClient, type RedisLike as RedisClient } from '../redis/client';
import { ROUTE_SCRIPT } from './redis-lua';
import { RedisQueue } from './redis-queue';
import { MemoryState, type Release, type Reservation, type RouterState } from './state';
import { usesLimits } from './strategies';

// Router state shared across processes through Redis. Each process routes on its own copy of the
// group's numbers (GroupRuntime); what it changes goes to Redis in batches (one script call,
// atomic), and every `refreshMs` the next pick brings back what the other processes wrote. A call
// that must be exact across processes (a deployment's rpm/tpm limit) is admitted by Redis itself,
// in the same single round trip. Redis down: routing goes on with this process's numbers, one
// warning is written, and what happened meanwhile is sent when Redis answers again.

export interface RedisStateOptions {
  url?: string;
  /** An ioredis client of the caller's (left open by close()). */
  client?: unknown;
  /** 'fast-litellm' (default), or 'litellm': LiteLLM's cooldown and rpm/tpm key names, shared with its Router. */
  keyLayout?: 'fast-litellm' | 'litellm';
  keyPrefix?: string;
  /** ms a round trip may take before Redis counts as down (default 500). */
  timeoutMs?: number;
  /** ms between refreshes of a group's numbers (default 500: a cooldown is seen elsewhere within 1 s). */
  refreshMs?: number;
  warn?: (message: string) => void;
}

const CMD = 'fastLitellmRoute';
/** ioredis statuses while a connection attempt is under way: worth waiting for. */
const CONNECTING = new Set(['wait', 'connecting', 'connect']);
const BUSY_TTL_MS = 600_000;
const RETRY_MS = 1000;
/**
 * ms finished calls' numbers may wait for the next round trip (a routed call's own, usually) before
 * a batch of their own goes: so a steady stream of calls makes one round trip per call at most.
 */
const FLUSH_MS = 100;

interface Sync {
  at: number;
  running: boolean;
}

type Row = [number, string | null, string, string, string, string[], string[]];

function samples(list: string[]): { values: number[]; times: number[] } {
  const values: number[] = [];
  const times: number[] = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const cut = list[i].lastIndexOf(':');
    values.push(Number(list[i].slice(0, cut)));
    times.push(Number(list[i].slice(cut + 1)));
  }
  return { values, times };
}

export class RedisState implements RouterState {
  readonly kind = 'redis';
  readonly #client: RedisClient;
  readonly #owned: boolean;
  readonly #memory = new MemoryState();
  readonly #queue: RedisQueue;
  readonly #prefix: string;
  readonly #layout: 'n' | 'l';
  readonly #refreshMs: number;
  readonly #timeoutMs: number;
  readonly #warn: (m: string) => void;
  readonly #syncs = new WeakMap<GroupRuntime, Sync>();
  #down = false;
  #retryAt = 0;
  #warned = false;
  #flushTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Round trips made (for tests and benchmarks). */
  trips = 0;
  errors = 0;

  constructor(o: RedisStateOptions) {
    const timeoutMs = (this.#timeoutMs = o.timeoutMs ?? 500);
    if (o.client !== undefined) {
      this.#client = o.client as RedisClient;
      this.#owned = false;
    } else if (o.url !== undefined) {
      this.#client = ownClient(o.url, {
        who: 'router', connectTimeoutMs: Math.max(timeoutMs, 1000), commandTimeoutMs: timeoutMs,
        retryDelayMs: (times) => Math.min(100 * times, 1000),
      });
      this.#owned = true;
    } else throw new TypeError('RedisState: give url or client');
    this.#client.defineCommand(CMD, { numberOfKeys: 0, lua: ROUTE_SCRIPT });
    this.#layout = o.keyLayout === 'litellm' ? 'l' : 'n';
    this.#prefix = o.keyPrefix ?? 'fast-litellm:router:';
    this.#refreshMs = o.refreshMs ?? 500;
    this.#warn = o.warn ?? (() => undefined);
    this.#queue = new RedisQueue(this.#layout === 'l');
  }

  get down(): boolean {
    return this.#down;
  }

  /** Waits (up to the timeout) for a connection attempt under way; true when the client is ready. */
  #ready(): Promise<boolean> {
    const c = this.#client;
    if (c.status === 'ready') return Promise.resolve(true);
    if (!CONNECTING.has(c.status)) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        c.removeListener?.('ready', onReady);
        resolve(ok);
      };
      const onReady = (): void => done(true);
      const timer = setTimeout(() => done(c.status === 'ready'), this.#timeoutMs);
      timer.unref();
      c.on('ready', onReady);
    });
  }

  /** One script call; null when Redis is down or failed (then the ops are queued again by the caller). */
  async #trip(ops: (string | number)[]): Promise<unknown[] | null> {
    if (this.#closed) return null;
    const now = Date.now();
    if ((this.#down && now < this.#retryAt) || !(await this.#ready())) {
      this.#markDown(now);
      return null;
    }
    this.trips++;
    try {
      const fn = this.#client[CMD] as (...a: (string | number)[]) => Promise<unknown[]>;
      const r = await fn.call(this.#client, this.#prefix, this.#layout, Date.now(), ...ops);
      this.#down = false;
      return r;
    } catch {
      this.errors++;
      this.#markDown(Date.now());
      return null;
    }
  }

  #markDown(now: number): void {
    if (!this.#down) this.#retryAt = now + RETRY_MS;
    else if (now >= this.#retryAt) this.#retryAt = now + RETRY_MS;
    this.#down = true;
    if (!this.#warned) {
      this.#warned = true;
      this.#warn('router: Redis is unreachable; routing goes on with this process\'s own counts '
        + 'and catches up when Redis is back');
    }
  }

  /** Sends what is queued (and `extra`), in one round trip; the queue comes back when it fails. */
  async #send(extra: (string | number)[], now: number): Promise<unknown[] | null> {
    const batch = this.#queue.take(now);
    const r = await this.#trip([...batch.ops, ...extra]);
    if (r === null) this.#queue.restore(batch);
    return r;
  }

  #scheduleFlush(soon = false): void {
    if (this.#closed) return;
    if (this.#flushTimer !== undefined) {
      if (!soon) return;
      clearTimeout(this.#flushTimer);
    }
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      if (this.#queue.empty) return;
      void this.#send([], Date.now()).then((r) => {
        if (r === null && !this.#closed) this.#retryLater();
      });
    }, soon ? 0 : FLUSH_MS);
    this.#flushTimer.unref();
  }

  #retryLater(): void {
    if (this.#flushTimer !== undefined) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#scheduleFlush();
    }, RETRY_MS);
    this.#flushTimer.unref();
  }

  reserve(g: GroupRuntime, candidates: readonly number[], r: Reservation, now: number): number | Promise<number> {
    const exact = r.limits || r.busy;
    if (!exact || (this.#down && now < this.#retryAt)) return this.#local(g, candidates, r);
    const op: (string | number)[] = ['R', candidates.length, r.usage ? r.tokens : 0, r.busy ? '1' : '0',
      this.#usageTtl(), BUSY_TTL_MS];
    for (const pos of candidates) {
      const d = g.deployments[pos];
      const rpm = r.limits && d.rpm !== undefined ? d.rpm : -1;
      op.push(d.id, d.model, g.window, rpm, r.limits && d.tpm !== undefined ? d.tpm : -1);
    }
    const snap = this.#snapshotOp(g, now);
    return this.#send([...op, ...(snap ?? [])], now).then((res) => {
      if (res === null) return this.#local(g, candidates, r);
      const [taken, rows] = res[0] as [number, [number, string | null, string | null, string | null, number][]];
      const t = Date.now();
      if (snap) this.#applySnapshot(g, res[1] as Row[], t);
      rows.forEach(([status, rpm, tpm, busy, cd], j) => {
        const pos = candidates[j];
        const id = g.deployments[pos].id;
        const pend = this.#queue.pendingUsage(id, g.window);
        if (rpm !== null || tpm !== null) {
          g.setUsage(pos, g.window, rpm !== null ? Number(rpm) + pend.rpm : g.rpm[pos] + (status === 1 ? 1 : 0),
            tpm !== null ? Number(tpm) + pend.tpm : g.tpm[pos] + (status === 1 ? r.tokens : 0));
        } else if (status === 1 && r.usage) g.addUsage(pos, 1, r.tokens);
        if (busy !== null) g.setBusy(pos, Number(busy) + this.#queue.pendingBusy(id));
        if (status === 2) g.setCooldown(pos, t + cd, g.settings.cooldown_time);
      });
      return taken - 1;
    });
  }

  #local(g: GroupRuntime, candidates: readonly number[], r: Reservation): number {
    const at = this.#memory.reserve(g, candidates, r);
    if (at < 0) return -1;
    const d = g.deployments[candidates[at]];
    if (r.usage) this.#queue.usage(d, g.window, 1, r.tokens);
    if (r.busy) this.#queue.busy(d.id, 1);
    this.#scheduleFlush();
    return at;
  }

  #usageTtl(): number {
    return this.#layout === 'l' ? 60_000 : 120_000;
  }

  release(g: GroupRuntime, pos: number, r: Release, now: number): void {
    this.#memory.release(g, pos, r, now);
    const d = g.deployments[pos];
    if (r.usage && r.tokens !== 0) this.#queue.usage(d, g.window, 0, r.tokens);
    if (r.busy) this.#queue.busy(d.id, -1);
    const { max_latency_list_size: size, ttl } = g.settings.routing_strategy_args;
    if (r.latency !== undefined) this.#queue.sample('l', d.id, r.latency, now, size, ttl * 1000);
    if (r.ttft !== undefined) this.#queue.sample('f', d.id, r.ttft, now, size, ttl * 1000);
    this.#scheduleFlush();
  }

  cool(g: GroupRuntime, pos: number, seconds: number, status: number, now: number): void {
    this.#memory.cool(g, pos, seconds, status, now);
    this.#queue.cool(g.deployments[pos].id, now + seconds * 1000, seconds, status, now);
    // Other processes should stop calling it now.
    this.#scheduleFlush(true);
  }

  #exact(g: GroupRuntime): boolean {
    const s = g.settings.routing_strategy;
    return s === 'least-busy' || (usesLimits(g.settings) && g.hasLimits);
  }

  #what(g: GroupRuntime): string {
    const s = g.settings.routing_strategy;
    let w = 'c';
    if (s === 'least-busy') w += 'b';
    if (s === 'usage-based-routing-v2' || (usesLimits(g.settings) && g.hasLimits)) w += 'u';
    if (s === 'latency-based-routing') w += 'l';
    return w;
  }

  /** The S operation for a group whose refresh is due (and marks it running), or undefined. */
  #snapshotOp(g: GroupRuntime, now: number): (string | number)[] | undefined {
    let s = this.#syncs.get(g);
    if (s === undefined) this.#syncs.set(g, (s = { at: 0, running: false }));
    if (s.running || now - s.at < this.#refreshMs) return undefined;
    s.running = true;
    s.at = now;
    const op: (string | number)[] = ['S', g.n, this.#what(g), g.window];
    for (const d of g.deployments) op.push(d.id, d.model);
    return op;
  }

  sync(g: GroupRuntime, now: number): void {
    if (this.#closed || (this.#down && now < this.#retryAt)) return;
    // Calls that Redis admits carry the refresh in their own round trip.
    if (this.#exact(g)) return;
    const op = this.#snapshotOp(g, now);
    if (op === undefined) return;
    void this.#send(op, now).then((res) => {
      if (res !== null) this.#applySnapshot(g, res[0] as Row[], Date.now());
      else this.#syncs.get(g)!.running = false;
    });
  }

  #applySnapshot(g: GroupRuntime, rows: Row[], now: number): void {
    const s = this.#syncs.get(g);
    if (s !== undefined) s.running = false;
    const what = this.#what(g);
    rows.forEach((row, pos) => {
      const d = g.deployments[pos];
      const [pttl, value, busy, rpm, tpm, lat, ttft] = row;
      if (pttl > 0) g.setCooldown(pos, now + pttl, this.#queue.cooldownSeconds(value, g.settings.cooldown_time));
      else if (g.isCooled(pos) && !this.#queue.coolingLocally(d.id, now)) g.setCooldown(pos, 0, 0);
      if (what.includes('b')) g.setBusy(pos, Number(busy) + this.#queue.pendingBusy(d.id));
      if (what.includes('u')) {
        const pend = this.#queue.pendingUsage(d.id, g.window);
        g.setUsage(pos, g.window, Number(rpm) + pend.rpm, Number(tpm) + pend.tpm);
      }
      if (what.includes('l')) {
        for (const [kind, list] of [['l', lat], ['f', ttft]] as const) {
          const got = samples(list);
          const pend = this.#queue.pendingSamples(kind, d.id);
          g.setLatency(pos, kind === 'l' ? 'latency' : 'ttft', [...got.values, ...pend.values],
            [...got.times, ...pend.times], now);
        }
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (!this.#queue.empty && !this.#down) await this.#send([], Date.now());
    this.#closed = true;
    if (this.#owned) this.#client.disconnect();
  }
}
