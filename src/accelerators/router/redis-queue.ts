import type { Deployment } from './types';

// What a process changed and has not sent to Redis yet, folded per key (so it stays bounded
// however long Redis is away): usage deltas per deployment and minute, in-flight deltas,
// cooldowns, the newest latency samples. Sent in one batch; put back when the batch fails.

interface Usage {
  id: string;
  model: string;
  window: number;
  rpm: number;
  tpm: number;
}

interface Sample {
  kind: 'l' | 'f';
  id: string;
  value: number;
  at: number;
  maxLen: number;
  ttlMs: number;
}

interface Cool {
  until: number;
  seconds: number;
  status: number;
  /** When it was set (LiteLLM's cooldown value carries it). */
  at: number;
}

export interface Batch {
  ops: (string | number)[];
  usage: Usage[];
  busy: [string, number][];
  samples: Sample[];
  cools: [string, Cool][];
}

const MAX_SAMPLES = 10_000;
const USAGE_TTL = { l: 60_000, n: 120_000 } as const;

export class RedisQueue {
  #usage = new Map<string, Usage>();
  #busy = new Map<string, number>();
  #samples: Sample[] = [];
  #cools = new Map<string, Cool>();

  constructor(private readonly compat: boolean) {}

  get empty(): boolean {
    return this.#usage.size === 0 && this.#busy.size === 0 && this.#samples.length === 0 && this.#cools.size === 0;
  }

  usage(d: Deployment, window: number, rpm: number, tpm: number): void {
    const k = `${d.id}\u0000${window}`;
    const u = this.#usage.get(k);
    if (u) {
      u.rpm += rpm;
      u.tpm += tpm;
    } else this.#usage.set(k, { id: d.id, model: d.model, window, rpm, tpm });
  }

  busy(id: string, delta: number): void {
    const v = (this.#busy.get(id) ?? 0) + delta;
    if (v === 0) this.#busy.delete(id);
    else this.#busy.set(id, v);
  }

  sample(kind: 'l' | 'f', id: string, value: number, at: number, maxLen: number, ttlMs: number): void {
    this.#samples.push({ kind, id, value, at, maxLen, ttlMs });
    if (this.#samples.length > MAX_SAMPLES) this.#samples.splice(0, this.#samples.length - MAX_SAMPLES);
  }

  cool(id: string, until: number, seconds: number, status: number, now: number): void {
    const c = this.#cools.get(id);
    if (c === undefined || c.until < until) this.#cools.set(id, { until, seconds, status, at: now });
  }

  pendingUsage(id: string, window: number): { rpm: number; tpm: number } {
    const u = this.#usage.get(`${id}\u0000${window}`);
    return u === undefined ? { rpm: 0, tpm: 0 } : { rpm: u.rpm, tpm: u.tpm };
  }

  pendingBusy(id: string): number {
    return this.#busy.get(id) ?? 0;
  }

  pendingSamples(kind: 'l' | 'f', id: string): { values: number[]; times: number[] } {
    const values: number[] = [];
    const times: number[] = [];
    for (const s of this.#samples) {
      if (s.kind === kind && s.id === id) {
        values.push(s.value);
        times.push(s.at);
      }
    }
    return { values, times };
  }

  coolingLocally(id: string, now: number): boolean {
    const c = this.#cools.get(id);
    return c !== undefined && c.until > now;
  }

  /** The cooldown's seconds from a key's value (ours: "seconds|status"; LiteLLM's: JSON). */
  cooldownSeconds(value: string | null, fallback: number): number {
    if (value === null) return fallback;
    if (value.startsWith('{')) {
      try {
        const v = JSON.parse(value) as { cooldown_time?: unknown };
        return typeof v.cooldown_time === 'number' ? v.cooldown_time : fallback;
      } catch {
        return fallback;
      }
    }
    const s = Number(value.split('|')[0]);
    return Number.isFinite(s) ? s : fallback;
  }

  #payload(c: Cool): string {
    if (!this.compat) return `${c.seconds}|${c.status}`;
    // LiteLLM's CooldownCacheValue: it reads an entry as active while timestamp + cooldown_time > now.
    return JSON.stringify({ exception_received: '', status_code: String(c.status), timestamp: c.at / 1000,
      cooldown_time: c.seconds });
  }

  /** Everything queued, as script operations; the queue is left empty. */
  take(now: number): Batch {
    const ops: (string | number)[] = [];
    const usage = [...this.#usage.values()];
    const ttl = this.compat ? USAGE_TTL.l : USAGE_TTL.n;
    for (const u of usage) ops.push('U', u.id, u.model, u.window, u.rpm, u.tpm, ttl);
    const busy = [...this.#busy.entries()];
    for (const [id, d] of busy) ops.push('B', id, d, 600_000);
    const samples = this.#samples;
    for (const s of samples) ops.push('L', s.kind, s.id, s.value, s.at, s.maxLen, s.ttlMs);
    const cools = [...this.#cools.entries()];
    for (const [id, c] of cools) {
      const ms = Math.round(c.until - now);
      if (ms > 0) ops.push('C', id, ms, this.#payload(c));
    }
    this.#usage = new Map();
    this.#busy = new Map();
    this.#samples = [];
    this.#cools = new Map();
    return { ops, usage, busy, samples, cools };
  }

  /** Puts a failed batch back (in front of what was queued since). */
  restore(b: Batch): void {
    for (const u of b.usage) this.usage({ id: u.id, model: u.model } as Deployment, u.window, u.rpm, u.tpm);
    for (const [id, d] of b.busy) this.busy(id, d);
    this.#samples = [...b.samples, ...this.#samples].slice(-MAX_SAMPLES);
    for (const [id, c] of b.cools) {
      const now = this.#cools.get(id);
      if (now === undefined || now.until < c.until) this.#cools.set(id, c);
    }
  }
}
