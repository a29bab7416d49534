import type { LimitSpec } from './options';
import type { RedisLike } from '../redis/client';
import { RedisDeadline, type Waiter } from './redis-deadline';

/*
 * How the store's script items reach Redis. The first item of a tick goes out at once (no added
 * latency for sequential callers); items made later in the same tick share one script call per
 * limiter (per spec): one round trip for the lot, each item atomic and in call order. Items made while
 * a connection attempt is under way wait for it (within the deadline); with no connection they are
 * answered at once. Every answer is a reply or null (Redis failed or stayed silent past the deadline).
 */

/** A reply and where this item's integers start in it; null when Redis failed. */
export type Reply = { r: unknown[]; at: number } | null;

export interface CallsOptions {
  /** The script command defined on the client. */
  command: string;
  timeoutMs: number;
  /** Off for a Redis Cluster: one script call may only touch keys of one slot (CROSSSLOT). */
  batching: boolean;
  /** Integers per item in a reply. */
  replyWidth: number;
  /** Items per script call: bounds how long one call holds Redis. */
  maxBatch: number;
  keysOf(key: string, spec: LimitSpec): string[];
  headerOf(spec: LimitSpec): (string | number)[];
  /** `items` went unanswered because of `e`. */
  onError(e: unknown, items: number): void;
  /** Redis owed answers and said nothing for timeoutMs. */
  onStall(): void;
}

interface Pending {
  key: string;
  spec: LimitSpec;
  args: (string | number)[];
  resolve(reply: Reply): void;
}

const NULL_REPLY: Promise<Reply> = Promise.resolve(null);
/** Statuses of an ioredis client while a connection attempt is under way: worth waiting for. */
const CONNECTING = new Set(['wait', 'connecting', 'connect']);

export class ScriptCalls {
  readonly #client: RedisLike;
  readonly #o: CallsOptions;
  readonly #deadline: RedisDeadline;
  #queue: Pending[] = [];
  #tickOpen = false;
  /** Items waiting for a connection attempt under way. */
  #connectQueue: Pending[] = [];
  #closed = false;

  constructor(client: RedisLike, options: CallsOptions) {
    this.#client = client;
    this.#o = options;
    this.#deadline = new RedisDeadline(options.timeoutMs, options.onStall);
    client.on('ready', () => {
      this.#deadline.progress();
      const q = this.#connectQueue;
      this.#connectQueue = [];
      this.#sendAll(q);
    });
    // A socket that connects is Redis answering: the ready check's round trip gets a full deadline.
    client.on('connect', () => this.#deadline.progress());
    // A connection attempt that ended without 'ready': its waiters are answered now.
    client.on('close', () => this.#failConnectQueue());
  }

  run(key: string, spec: LimitSpec, args: (string | number)[]): Promise<Reply> {
    if (this.#closed) return NULL_REPLY;
    const status = this.#client.status;
    if (status !== 'ready') {
      if (!CONNECTING.has(status)) {
        this.#o.onError(new Error(`Redis connection is ${status}`), 1);
        return NULL_REPLY;
      }
      return new Promise((resolve) => this.#waitForConnection({ key, spec, args, resolve }));
    }
    if (this.#o.batching) {
      if (this.#tickOpen) return new Promise((resolve) => void this.#queue.push({ key, spec, args, resolve }));
      this.#tickOpen = true;
      queueMicrotask(this.#flush);
    }
    return this.#call(this.#o.keysOf(key, spec), spec, args, 1).then((r) => (r === null ? null : { r, at: 0 }));
  }

  /** Answers every waiting item with null and takes no more. */
  close(): void {
    this.#closed = true;
    this.#deadline.expireAll();
    this.#failConnectQueue();
  }

  #waitForConnection(item: Pending): void {
    const resolve = item.resolve;
    let answered = false;
    const w: Waiter = {
      expire: () => {
        if (answered) return;
        answered = true;
        const i = this.#connectQueue.indexOf(item);
        if (i >= 0) this.#connectQueue.splice(i, 1);
        this.#o.onError(new Error(`not connected within ${this.#o.timeoutMs} ms`), 1);
        resolve(null);
      },
    };
    item.resolve = (reply) => {
      if (answered) return;
      answered = true;
      this.#deadline.delete(w);
      resolve(reply);
    };
    this.#connectQueue.push(item);
    this.#deadline.add(w);
  }

  #failConnectQueue(): void {
    const q = this.#connectQueue;
    if (q.length === 0) return;
    this.#connectQueue = [];
    this.#o.onError(new Error('Redis connection closed before it was ready'), q.length);
    for (const it of q) it.resolve(null);
  }

  /** One script call, answered by Redis or, failing that, with null by the deadline. */
  #call(keys: string[], spec: LimitSpec, args: (string | number)[], items: number): Promise<unknown[] | null> {
    let p: Promise<unknown[]>;
    try {
      const c = this.#client as unknown as Record<string, (...a: unknown[]) => Promise<unknown[]>>;
      p = c[this.#o.command](keys.length, ...keys, ...this.#o.headerOf(spec), ...args);
    } catch (e) {
      this.#o.onError(e, items);
      return NULL_REPLY as Promise<null>;
    }
    return new Promise((resolve) => {
      let answered = false;
      const w: Waiter = {
        expire: () => {
          answered = true;
          this.#o.onError(new Error(`no answer within ${this.#o.timeoutMs} ms`), items);
          resolve(null);
        },
      };
      this.#deadline.add(w);
      p.then((r) => {
        if (answered) return this.#deadline.progress();
        answered = true;
        this.#deadline.delete(w);
        resolve(r);
      }, (e: unknown) => {
        if (answered) return;
        answered = true;
        this.#deadline.delete(w);
        this.#o.onError(e, items);
        resolve(null);
      });
    });
  }

  readonly #flush = (): void => {
    this.#tickOpen = false;
    const all = this.#queue;
    if (all.length === 0) return;
    this.#queue = [];
    this.#sendAll(all);
  };

  /** Consecutive items of one limiter (one spec) share a call, so call order is kept. */
  #sendAll(all: Pending[]): void {
    const max = this.#o.batching ? this.#o.maxBatch : 1;
    let from = 0;
    for (let i = 1; i <= all.length; i++) {
      if (i === all.length || all[i].spec !== all[from].spec || i - from === max) {
        this.#send(all.slice(from, i));
        from = i;
      }
    }
  }

  #send(items: Pending[]): void {
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const it of items) {
      keys.push(...this.#o.keysOf(it.key, it.spec));
      args.push(...it.args);
    }
    const width = this.#o.replyWidth;
    void this.#call(keys, items[0].spec, args, items.length).then((r) => {
      for (let i = 0; i < items.length; i++) items[i].resolve(r === null ? null : { r, at: i * width });
    });
  }
}
