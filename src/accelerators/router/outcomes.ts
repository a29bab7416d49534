import { ROUTER_DEFAULTS } from './defaults';

// Per-deployment counts behind LiteLLM's cooldown rules, kept in the process (as LiteLLM keeps
// them: its test asserts they never go to Redis): successes and failures in a fixed 60 s from the
// first of each, and failures within the cooldown time for allowed_fails.

export class Outcomes {
  readonly #succ: Int32Array;
  readonly #succStart: Float64Array;
  readonly #fail: Int32Array;
  readonly #failStart: Float64Array;
  readonly #recent: Int32Array;
  readonly #recentStart: Float64Array;

  constructor(n: number) {
    this.#succ = new Int32Array(n);
    this.#succStart = new Float64Array(n);
    this.#fail = new Int32Array(n);
    this.#failStart = new Float64Array(n);
    this.#recent = new Int32Array(n);
    this.#recentStart = new Float64Array(n);
  }

  /** Counts one outcome; this minute's counts, this one included. */
  count(pos: number, ok: boolean, now: number): { successes: number; fails: number } {
    const windowMs = ROUTER_DEFAULTS.failureWindow * 1000;
    if (now - this.#succStart[pos] >= windowMs) {
      this.#succ[pos] = 0;
      this.#succStart[pos] = now;
    }
    if (now - this.#failStart[pos] >= windowMs) {
      this.#fail[pos] = 0;
      this.#failStart[pos] = now;
    }
    if (ok) this.#succ[pos]++;
    else this.#fail[pos]++;
    return { successes: this.#succ[pos], fails: this.#fail[pos] };
  }

  /** Failures within `seconds` of the first one (LiteLLM's allowed_fails counter), this one included. */
  recentFails(pos: number, now: number, seconds: number): number {
    if (now - this.#recentStart[pos] >= seconds * 1000) {
      this.#recent[pos] = 0;
      this.#recentStart[pos] = now;
    }
    return ++this.#recent[pos];
  }
}
