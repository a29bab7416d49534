import { MinTree, WeightTree } from './trees';
import type { Deployment, RoutingStrategyArgs, StrategyName } from './types';

// The five strategies as indexes over one order level of a group. Each keeps its candidates in a
// tree, so a pick is O(log n) and so is every change (a call starting or ending, a cooldown).

/** What a strategy reads about a group's deployments (by group position). */
export interface Metrics {
  readonly deployments: readonly Deployment[];
  readonly busy: Float64Array;
  readonly tpm: Float64Array;
  latencyMean(pos: number): number;
  ttftMean(pos: number): number;
  ttftCount(pos: number): number;
}

export interface StrategyIndex {
  /** Re-reads one member (its metric, and whether it is open: not cooled, not over a limit). */
  update(lp: number, open: boolean): void;
  /** A level position, or -1 when no member is open. */
  pick(stream: boolean): number;
  /** After a pick was taken: spreads ties, as LiteLLM's random choice among equals does. */
  picked(lp: number): void;
}

/**
 * Whether picks skip deployments over their rpm/tpm: LiteLLM's usage, latency and cost strategies
 * do, and its pre-call checks do for any strategy.
 */
export function usesLimits(s: { routing_strategy: StrategyName; enable_pre_call_checks: boolean }): boolean {
  const r = s.routing_strategy;
  return r === 'usage-based-routing-v2' || r === 'latency-based-routing' || r === 'cost-based-routing'
    || s.enable_pre_call_checks;
}

/**
 * simple-shuffle: a weighted pick by `weight` when any open member has one, else by rpm, else by
 * tpm, else uniform (LiteLLM's order; a member without the field weighs 0).
 */
class ShuffleIndex implements StrategyIndex {
  readonly #trees: WeightTree[];
  readonly #base: number[][];

  constructor(private readonly m: Metrics, private readonly members: readonly number[],
    private readonly rnd: () => number) {
    const n = members.length;
    this.#trees = [new WeightTree(n), new WeightTree(n), new WeightTree(n), new WeightTree(n)];
    this.#base = members.map((pos) => {
      const d = m.deployments[pos];
      return [d.weight ?? 0, d.shuffleRpm ?? 0, d.shuffleTpm ?? 0, 1];
    });
  }

  update(lp: number, open: boolean): void {
    const b = this.#base[lp];
    for (let t = 0; t < 4; t++) this.#trees[t].set(lp, open ? b[t] : 0);
  }

  pick(): number {
    for (const t of this.#trees) {
      if (t.total > 0) return t.sample(this.rnd);
    }
    return -1;
  }

  picked(): void {}
}

/** The open member with the least of a metric; `tie` breaks equal values. */
abstract class LeastIndex implements StrategyIndex {
  protected readonly tree: MinTree;

  constructor(protected readonly m: Metrics, protected readonly members: readonly number[],
    protected readonly rnd: () => number) {
    this.tree = new MinTree(members.length);
  }

  protected abstract key(pos: number): number;
  protected tie(lp: number): number {
    return lp;
  }

  update(lp: number, open: boolean): void {
    this.tree.set(lp, open ? this.key(this.members[lp]) : Infinity, this.tie(lp));
  }

  pick(_stream: boolean): number {
    return this.tree.min();
  }

  picked(_lp: number): void {}
}

/** least-busy: fewest calls in flight; the first in config order among equals (LiteLLM's dict order). */
class BusyIndex extends LeastIndex {
  protected override key(pos: number): number {
    return this.m.busy[pos];
  }
}

/** usage-based-routing-v2: the lowest tpm this minute; a random one among equals. */
class UsageIndex extends LeastIndex {
  protected override key(pos: number): number {
    return this.m.tpm[pos];
  }

  protected override tie(): number {
    return this.rnd();
  }

  override picked(lp: number): void {
    // A call just went there: give it a new place among equals, so a burst spreads out.
    this.tree.set(lp, this.tree.key(lp), this.rnd());
  }
}

/** cost-based-routing: the lowest input + output cost per token; the first in config order among equals. */
class CostIndex extends LeastIndex {
  protected override key(pos: number): number {
    const d = this.m.deployments[pos];
    // LiteLLM's default for a model missing from its cost map: 5.0 each way.
    return (d.inputCostPerToken ?? 5) + (d.outputCostPerToken ?? 5);
  }
}

/**
 * latency-based-routing: the lowest mean latency (time to first token for streams, where the
 * deployment has stream samples); unsampled deployments count as 0, so they go first. Members
 * within (1 + lowest_latency_buffer) x the lowest share the traffic at random.
 */
class LatencyIndex implements StrategyIndex {
  readonly #plain: MinTree;
  readonly #stream: MinTree;
  readonly #buffer: number;
  readonly #scratch: number[] = [];

  constructor(private readonly m: Metrics, private readonly members: readonly number[],
    private readonly rnd: () => number, args: RoutingStrategyArgs) {
    this.#plain = new MinTree(members.length);
    this.#stream = new MinTree(members.length);
    this.#buffer = args.lowest_latency_buffer;
  }

  update(lp: number, open: boolean): void {
    const pos = this.members[lp];
    const lat = this.m.latencyMean(pos);
    const ttft = this.m.ttftCount(pos) > 0 ? this.m.ttftMean(pos) : lat;
    this.#plain.set(lp, open ? lat : Infinity, this.rnd());
    this.#stream.set(lp, open ? ttft : Infinity, this.rnd());
  }

  pick(stream: boolean): number {
    const tree = stream ? this.#stream : this.#plain;
    const best = tree.min();
    if (best < 0 || this.#buffer <= 0) return best;
    const lowest = tree.key(best);
    const within = tree.within(lowest + this.#buffer * lowest, this.#scratch);
    const lp = within[Math.floor(this.rnd() * within.length)];
    within.length = 0;
    return lp;
  }

  picked(lp: number): void {
    this.#plain.set(lp, this.#plain.key(lp), this.rnd());
    this.#stream.set(lp, this.#stream.key(lp), this.rnd());
  }
}

export function createIndex(strategy: StrategyName, m: Metrics, members: readonly number[], rnd: () => number,
  args: RoutingStrategyArgs): StrategyIndex {
  switch (strategy) {
    case 'least-busy': return new BusyIndex(m, members, rnd);
    case 'usage-based-routing-v2': return new UsageIndex(m, members, rnd);
    case 'cost-based-routing': return new CostIndex(m, members, rnd);
    case 'latency-based-routing': return new LatencyIndex(m, members, rnd, args);
    default: return new ShuffleIndex(m, members, rnd);
  }
}
