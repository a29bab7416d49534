// A real sliding window of latency samples per deployment: the newest `size` samples, each
// counting for `ttlMs`. (LiteLLM's list, in the version the design notes read, kept its first
// samples and overwrote the last; and every worker rewrote the whole group's list, so the last
// writer won. Here samples age out in order and, on Redis, each one is its own list entry.)

export class SampleWindow {
  readonly #size: number;
  readonly #values: Float64Array;
  readonly #times: Float64Array;
  #start = 0;
  #count = 0;
  #sum = 0;

  constructor(size: number) {
    this.#size = size;
    this.#values = new Float64Array(size);
    this.#times = new Float64Array(size);
  }

  get count(): number {
    return this.#count;
  }

  /** Mean of the live samples; 0 when there are none (LiteLLM: an unsampled deployment counts as 0). */
  get mean(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }

  /** Time the oldest live sample expires (Infinity when empty). */
  nextExpiry(ttlMs: number): number {
    return this.#count === 0 ? Infinity : this.#times[this.#start] + ttlMs;
  }

  add(value: number, at: number): void {
    if (this.#count === this.#size) this.#dropOldest();
    const i = (this.#start + this.#count) % this.#size;
    this.#values[i] = value;
    this.#times[i] = at;
    this.#count++;
    this.#sum += value;
  }

  /** Drops samples older than ttlMs; true when any went. */
  expire(now: number, ttlMs: number): boolean {
    let dropped = false;
    while (this.#count > 0 && this.#times[this.#start] + ttlMs <= now) {
      this.#dropOldest();
      dropped = true;
    }
    if (this.#count === 0) this.#sum = 0;
    return dropped;
  }

  /** Replaces the window with samples read elsewhere (Redis), oldest first. */
  replace(values: readonly number[], times: readonly number[]): void {
    this.#start = 0;
    this.#count = 0;
    this.#sum = 0;
    const from = Math.max(0, values.length - this.#size);
    for (let i = from; i < values.length; i++) this.add(values[i], times[i]);
  }

  #dropOldest(): void {
    this.#sum -= this.#values[this.#start];
    this.#start = (this.#start + 1) % this.#size;
    this.#count--;
  }
}
