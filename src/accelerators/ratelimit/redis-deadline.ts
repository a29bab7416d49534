/*
 * The deadline of Redis commands, measured on Redis and not on our own queue.
 *
 * A plain timer per command also counts the time this process's event loop was busy elsewhere: with
 * thousands of calls in flight, the reply sits unread in the socket while the timer fires first, and a
 * healthy Redis is declared down (and fail-open then over-admits). Here one watchdog serves every
 * command of a store: it ticks every timeoutMs / 4, credits at most one tick per tick (time the loop
 * was blocked is not Redis's), and judges only after the poll phase has read whatever the socket
 * holds (setImmediate after the timer). Any reply or connection event resets the count: Redis is
 * answering, in order, so later commands will be answered too. Only when Redis has said nothing for
 * timeoutMs of time this process could have heard it are the waiting commands failed.
 */

export interface Waiter {
  /** Called once when the deadline passes without progress. */
  expire(): void;
}

const TICKS = 4;

export class RedisDeadline {
  readonly timeoutMs: number;
  readonly #tickMs: number;
  readonly #waiting = new Set<Waiter>();
  #silentMs = 0;
  #progressed = false;
  #lastTick = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #onStall: () => void;

  /** onStall: called after the waiters expired (the store may drop the connection). */
  constructor(timeoutMs: number, onStall: () => void) {
    this.timeoutMs = timeoutMs;
    this.#tickMs = Math.max(1, Math.floor(timeoutMs / TICKS));
    this.#onStall = onStall;
  }

  get waiting(): number {
    return this.#waiting.size;
  }

  add(w: Waiter): void {
    this.#waiting.add(w);
    if (this.#timer === undefined) {
      this.#silentMs = 0;
      this.#progressed = false;
      this.#lastTick = performance.now();
      // Ref'd on purpose, and only while an answer is owed: an app awaiting a check must not exit
      // under it. It cannot hold the process longer than the deadline: then every waiter is failed.
      this.#timer = setInterval(this.#tick, this.#tickMs);
    }
  }

  /** w is answered (or failed otherwise): no longer waits. Counts as progress. */
  delete(w: Waiter): void {
    this.#waiting.delete(w);
    this.progress();
    if (this.#waiting.size === 0) this.#stop();
  }

  /** Redis said something (a reply, a connection event). */
  progress(): void {
    this.#silentMs = 0;
    this.#progressed = true;
  }

  readonly #tick = (): void => {
    const now = performance.now();
    const credit = Math.min(now - this.#lastTick, this.#tickMs);
    this.#lastTick = now;
    this.#progressed = false;
    // Judge after this iteration's poll phase: a reply already in the socket is read first.
    setImmediate(() => this.#judge(credit));
  };

  #judge(credit: number): void {
    if (this.#progressed || this.#waiting.size === 0) return;
    this.#silentMs += credit;
    if (this.#silentMs < this.timeoutMs) return;
    const expired = [...this.#waiting];
    this.#waiting.clear();
    this.#stop();
    for (const w of expired) w.expire();
    this.#onStall();
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Fails every waiter now (the store closes). */
  expireAll(): void {
    const all = [...this.#waiting];
    this.#waiting.clear();
    this.#stop();
    for (const w of all) w.expire();
  }
}
