import type { GroupRuntime } from './group';

// Where a router's shared numbers live. Every pick reads the group's local numbers (GroupRuntime);
// a state keeps them true: in memory they simply are the truth; on Redis they mirror what every
// process wrote (redis-state.ts), and the few decisions that must be exact across processes
// (usage-based routing's rpm and tpm, least-busy's counts) are made by Redis itself.

export interface Reservation {
  /** Count the call in rpm, and its prompt tokens in tpm. */
  usage: boolean;
  tokens: number;
  /** The strategy balances on calls in flight (least-busy). */
  busy: boolean;
  /** Refuse when the deployment is over its rpm/tpm (checked where the truth is). */
  limits: boolean;
}

export interface Release {
  usage: boolean;
  /** Tokens to add to tpm now that the call ended (negative gives back a reservation). */
  tokens: number;
  busy: boolean;
  /** Seconds (per completion token when the answer said), and time to first token for streams. */
  latency?: number;
  ttft?: number;
}

export interface RouterState {
  readonly kind: 'memory' | 'redis';
  /**
   * Takes the call on the first of `candidates` (group positions, in preference order) that can
   * take it; its index, or -1 when the truth says none can (they are then marked full locally).
   */
  reserve(g: GroupRuntime, candidates: readonly number[], r: Reservation, now: number): number | Promise<number>;
  release(g: GroupRuntime, pos: number, r: Release, now: number): void;
  cool(g: GroupRuntime, pos: number, seconds: number, status: number, now: number): void;
  /** Before a pick: a chance to bring the group's numbers up to date (never waits). */
  sync(g: GroupRuntime, now: number): void;
  close(): Promise<void>;
}

/** The truth in this process only: every operation is synchronous and exact here. */
export class MemoryState implements RouterState {
  readonly kind = 'memory';

  reserve(g: GroupRuntime, candidates: readonly number[], r: Reservation): number {
    for (let i = 0; i < candidates.length; i++) {
      const pos = candidates[i];
      const d = g.deployments[pos];
      if (r.limits) {
        if (d.rpm !== undefined && g.rpm[pos] + 1 > d.rpm) continue;
        if (d.tpm !== undefined && g.tpm[pos] + r.tokens > d.tpm) continue;
      }
      if (r.usage) g.addUsage(pos, 1, r.tokens);
      if (r.busy) g.addBusy(pos, 1);
      return i;
    }
    return -1;
  }

  release(g: GroupRuntime, pos: number, r: Release, now: number): void {
    if (r.usage && r.tokens !== 0) g.addUsage(pos, 0, r.tokens);
    if (r.busy) g.addBusy(pos, -1);
    if (r.latency !== undefined) g.addLatency(pos, r.latency, r.ttft, now);
  }

  cool(g: GroupRuntime, pos: number, seconds: number, _status: number, now: number): void {
    for (const p of g.positionsOf(g.deployments[pos].id)) g.cool(p, now + seconds * 1000, seconds);
  }

  sync(): void {}

  async close(): Promise<void> {}
}
