import { ROUTER_DEFAULTS } from './defaults';
import { TimeHeap } from './heap';
import { SampleWindow } from './latency-window';
import { Outcomes } from './outcomes';
import { createIndex, usesLimits, type Metrics, type StrategyIndex } from './strategies';
import type { Deployment, RouterSettings } from './types';

// One model group at run time: what each deployment is doing (cooldown, calls in flight, this
// minute's rpm/tpm, latency samples, this minute's successes and failures) and the strategy index
// of each `order` level. Everything a pick needs is here, so a pick touches no other structure.

export const COOLED = 1;
const RPM_FULL = 2;
const TPM_FULL = 4;
const PARALLEL_FULL = 8;
/** Set for the length of one pick: refused by this call's own filter (failed already, context window). */
const SKIPPED = 16;

interface Level {
  order: number;
  members: number[];
  index: StrategyIndex;
  /** Open members: a level with none is passed over. */
  open: number;
}

export interface PickOptions {
  stream: boolean;
  /** Only levels with order >= this (an `order` fallback). */
  minOrder?: number;
  /** Per-call test; false skips the deployment for this pick. */
  accept?: (pos: number) => boolean;
}

export class GroupRuntime implements Metrics {
  readonly deployments: readonly Deployment[];
  readonly n: number;
  /** Some deployment has a tpm / an rpm or tpm / a max_input_tokens (so a pick may need the prompt's tokens). */
  readonly hasTpm: boolean;
  readonly hasLimits: boolean;
  readonly hasMaxInput: boolean;
  readonly busy: Float64Array;
  readonly tpm: Float64Array;
  readonly rpm: Float64Array;
  readonly inflight: Int32Array;
  readonly cooldownUntil: Float64Array;
  readonly #flags: Uint8Array;
  /** Whether each deployment is counted open in its level (flags 0, as last told to the index). */
  readonly #open: Uint8Array;
  readonly #lat: SampleWindow[];
  readonly #ttft: SampleWindow[];
  readonly #levels: Level[];
  readonly #levelOf: Int32Array;
  readonly #levelPos: Int32Array;
  readonly #expiries = new TimeHeap();
  readonly #limits: boolean;
  readonly #ttlMs: number;
  readonly #maxParallel: (number | undefined)[];
  #window = -1;
  #latencyExpiry = Infinity;
  readonly #outcomes: Outcomes;
  /** Seconds of the last cooldown of each deployment (LiteLLM's "try again in" uses the shortest). */
  readonly cooldownSeconds: Float64Array;

  constructor(readonly name: string, deployments: readonly Deployment[], readonly settings: RouterSettings,
    private readonly rnd: () => number, now: number) {
    this.deployments = deployments;
    const n = (this.n = deployments.length);
    this.hasTpm = deployments.some((d) => d.tpm !== undefined);
    this.hasLimits = this.hasTpm || deployments.some((d) => d.rpm !== undefined);
    this.hasMaxInput = deployments.some((d) => d.maxInputTokens !== undefined);
    this.busy = new Float64Array(n);
    this.tpm = new Float64Array(n);
    this.rpm = new Float64Array(n);
    this.inflight = new Int32Array(n);
    this.cooldownUntil = new Float64Array(n);
    this.cooldownSeconds = new Float64Array(n);
    this.#flags = new Uint8Array(n);
    this.#open = new Uint8Array(n);
    const size = settings.routing_strategy_args.max_latency_list_size;
    this.#lat = deployments.map(() => new SampleWindow(size));
    this.#ttft = deployments.map(() => new SampleWindow(size));
    this.#outcomes = new Outcomes(n);
    this.#limits = usesLimits(settings);
    this.#ttlMs = settings.routing_strategy_args.ttl * 1000;
    this.#maxParallel = deployments.map((d) => d.maxParallelRequests ?? settings.default_max_parallel_requests);
    const orders = [...new Set(deployments.map((d) => d.order ?? 0))].sort((a, b) => a - b);
    this.#levelOf = new Int32Array(n);
    this.#levelPos = new Int32Array(n);
    this.#levels = orders.map((order, li) => {
      const members = deployments.flatMap((d, pos) => ((d.order ?? 0) === order ? [pos] : []));
      members.forEach((pos, lp) => {
        this.#levelOf[pos] = li;
        this.#levelPos[pos] = lp;
      });
      const index = createIndex(settings.routing_strategy, this, members, rnd, settings.routing_strategy_args);
      return { order, members, index, open: 0 };
    });
    this.#window = this.#windowOf(now);
    for (let pos = 0; pos < n; pos++) this.refresh(pos);
  }

  latencyMean(pos: number): number {
    return this.#lat[pos].mean;
  }

  ttftMean(pos: number): number {
    return this.#ttft[pos].mean;
  }

  ttftCount(pos: number): number {
    return this.#ttft[pos].count;
  }

  latencyCount(pos: number): number {
    return this.#lat[pos].count;
  }

  get levels(): number {
    return this.#levels.length;
  }

  orderOf(pos: number): number {
    return this.#levels[this.#levelOf[pos]].order;
  }

  /** The usage window a time falls in (LiteLLM: the calendar minute, UTC). */
  #windowOf(now: number): number {
    return Math.floor(now / ROUTER_DEFAULTS.usageWindowMs);
  }

  get window(): number {
    return this.#window;
  }

  /** Re-derives one deployment's flags from its numbers and tells its level's index. */
  refresh(pos: number): void {
    const d = this.deployments[pos];
    let f = this.#flags[pos] & (COOLED | SKIPPED);
    if (this.#limits) {
      if (d.rpm !== undefined && this.rpm[pos] + 1 > d.rpm) f |= RPM_FULL;
      if (d.tpm !== undefined && this.tpm[pos] >= d.tpm) f |= TPM_FULL;
    }
    const max = this.#maxParallel[pos];
    if (max !== undefined && this.inflight[pos] >= max) f |= PARALLEL_FULL;
    this.#flags[pos] = f;
    const level = this.#levels[this.#levelOf[pos]];
    const open = f === 0 ? 1 : 0;
    if (open !== this.#open[pos]) {
      level.open += open ? 1 : -1;
      this.#open[pos] = open;
    }
    level.index.update(this.#levelPos[pos], open === 1);
  }

  /** Expired cooldowns, a new usage minute, aged latency samples: applied lazily, at the next pick. */
  advance(now: number): void {
    while (this.#expiries.peekTime() <= now) {
      const pos = this.#expiries.pop();
      if (this.cooldownUntil[pos] !== 0 && this.cooldownUntil[pos] <= now) this.#setCooled(pos, 0);
    }
    const w = this.#windowOf(now);
    if (w !== this.#window) {
      this.#window = w;
      this.rpm.fill(0);
      this.tpm.fill(0);
      for (let pos = 0; pos < this.n; pos++) this.refresh(pos);
    }
    if (this.#latencyExpiry <= now) {
      let next = Infinity;
      for (let pos = 0; pos < this.n; pos++) {
        const a = this.#lat[pos].expire(now, this.#ttlMs);
        const b = this.#ttft[pos].expire(now, this.#ttlMs);
        if (a || b) this.refresh(pos);
        next = Math.min(next, this.#lat[pos].nextExpiry(this.#ttlMs), this.#ttft[pos].nextExpiry(this.#ttlMs));
      }
      this.#latencyExpiry = next;
    }
  }

  /** One deployment by the strategy, the lowest open `order` level first; -1 when none is open. */
  pick(o: PickOptions): number {
    let skipped: number[] | undefined;
    try {
      for (let li = 0; li < this.#levels.length; li++) {
        const level = this.#levels[li];
        if (o.minOrder !== undefined && level.order < o.minOrder) continue;
        while (level.open > 0) {
          const lp = level.index.pick(o.stream);
          if (lp < 0) break;
          const pos = level.members[lp];
          if (o.accept === undefined || o.accept(pos)) {
            level.index.picked(lp);
            return pos;
          }
          (skipped ??= []).push(pos);
          this.#flags[pos] |= SKIPPED;
          this.refresh(pos);
        }
      }
      return -1;
    } finally {
      if (skipped !== undefined) {
        for (const pos of skipped) {
          this.#flags[pos] &= ~SKIPPED;
          this.refresh(pos);
        }
      }
    }
  }

  /** Deployments not in cooldown (LiteLLM's "healthy deployments"). */
  healthy(): number {
    let h = 0;
    for (let pos = 0; pos < this.n; pos++) if ((this.#flags[pos] & COOLED) === 0) h++;
    return h;
  }

  isCooled(pos: number): boolean {
    return (this.#flags[pos] & COOLED) !== 0;
  }

  #setCooled(pos: number, until: number): void {
    this.cooldownUntil[pos] = until;
    if (until === 0) this.#flags[pos] &= ~COOLED;
    else this.#flags[pos] |= COOLED;
    this.refresh(pos);
  }

  /** Cools a deployment until `until` (ms); a later end wins over an earlier one. */
  cool(pos: number, until: number, seconds: number): void {
    if (until <= this.cooldownUntil[pos]) return;
    this.cooldownSeconds[pos] = seconds;
    this.#expiries.push(until, pos);
    this.#setCooled(pos, until);
  }

  /** Cooldown known from elsewhere (Redis): `until` 0 clears it. */
  setCooldown(pos: number, until: number, seconds: number): void {
    if (until === this.cooldownUntil[pos]) return;
    if (until !== 0) {
      this.cooldownSeconds[pos] = seconds;
      this.#expiries.push(until, pos);
    }
    this.#setCooled(pos, until);
  }

  addUsage(pos: number, rpm: number, tpm: number): void {
    this.rpm[pos] += rpm;
    this.tpm[pos] = Math.max(0, this.tpm[pos] + tpm);
    this.refresh(pos);
  }

  /** This minute's usage as read elsewhere (Redis); ignored when it is of another window. */
  setUsage(pos: number, window: number, rpm: number, tpm: number): void {
    if (window !== this.#window) return;
    this.rpm[pos] = rpm;
    this.tpm[pos] = tpm;
    this.refresh(pos);
  }

  addBusy(pos: number, d: number): void {
    this.busy[pos] = Math.max(0, this.busy[pos] + d);
    this.refresh(pos);
  }

  setBusy(pos: number, v: number): void {
    this.busy[pos] = Math.max(0, v);
    this.refresh(pos);
  }

  addInflight(pos: number, d: number): void {
    this.inflight[pos] += d;
    this.refresh(pos);
  }

  addLatency(pos: number, seconds: number, ttft: number | undefined, now: number): void {
    this.#lat[pos].add(seconds, now);
    if (ttft !== undefined) this.#ttft[pos].add(ttft, now);
    this.#latencyExpiry = Math.min(this.#latencyExpiry, now + this.#ttlMs);
    this.refresh(pos);
  }

  /** Samples read elsewhere (Redis), oldest first, with their times. */
  setLatency(pos: number, kind: 'latency' | 'ttft', values: number[], times: number[], now: number): void {
    const w = kind === 'latency' ? this.#lat[pos] : this.#ttft[pos];
    w.replace(values, times);
    w.expire(now, this.#ttlMs);
    this.#latencyExpiry = Math.min(this.#latencyExpiry, w.nextExpiry(this.#ttlMs));
    this.refresh(pos);
  }

  /** LiteLLM's per-minute success and failure counts (local), this outcome included. */
  countOutcome(pos: number, ok: boolean, now: number): { successes: number; fails: number } {
    return this.#outcomes.count(pos, ok, now);
  }

  /** Failures within `seconds` of the first one (allowed_fails counting), this one included. */
  recentFails(pos: number, now: number, seconds: number): number {
    return this.#outcomes.recentFails(pos, now, seconds);
  }

  /** Seconds of the shortest cooldown among the group's cooled deployments (0: none cooled). */
  shortestCooldown(): number {
    let best = 0;
    for (let pos = 0; pos < this.n; pos++) {
      if ((this.#flags[pos] & COOLED) === 0) continue;
      const s = this.cooldownSeconds[pos];
      if (best === 0 || s < best) best = s;
    }
    return best;
  }

  /** Keeps what a group knew about its deployments when it is rebuilt (a deployment added or deleted). */
  carryOver(old: GroupRuntime): void {
    for (let pos = 0; pos < this.n; pos++) {
      const id = this.deployments[pos].id;
      const was = old.deployments.findIndex((d) => d.id === id);
      if (was < 0) continue;
      if (old.isCooled(was)) this.cool(pos, old.cooldownUntil[was], old.cooldownSeconds[was]);
      this.setUsage(pos, old.window, old.rpm[was], old.tpm[was]);
      this.setBusy(pos, old.busy[was]);
    }
  }

  positionsOf(id: string): number[] {
    const out: number[] = [];
    this.deployments.forEach((d, pos) => {
      if (d.id === id) out.push(pos);
    });
    return out;
  }
}
