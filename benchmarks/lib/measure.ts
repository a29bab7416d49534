// Times several contenders (baseline, accelerated, peers) of one row with tinybench, interleaved:
// a warm-up and calibration per contender, then short rounds in rotating order, samples merged.
// Interleaving matters on a shared 2-core machine: a burst of load from a neighbour then hits
// every contender of a round instead of one whole side.
import { Bench } from 'tinybench';

export interface Contender {
  name: string;
  fn: () => unknown;
  async: boolean;
}

export interface MeasureOptions {
  rounds: number;
  /** Time budget per contender per round. */
  roundMs: number;
  /** Warm-up (and calibration) time per contender before the first round. */
  warmupMs: number;
  /** Minimum samples per contender per round (slow ops get at least this many). */
  minSamplesPerRound: number;
  /** Calls shorter than this are batched so one sample lasts about this long. */
  targetSampleNs: number;
  /** Called after each round (progress). */
  onRound?(round: number): void;
}

export interface Measured {
  /** Per-op samples in ns, all rounds merged. */
  samples: Record<string, number[]>;
  /** Median of each round, per contender, in ns. */
  roundMedians: Record<string, number[]>;
  batch: Record<string, number>;
}

// Results go here so V8 cannot drop a call whose result is unused.
let sink: unknown;
export function lastSink(): unknown {
  return sink;
}

const MAX_BATCH = 100_000;

function hrMs(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Runs fn for about ms (at least once); returns the mean ns per call. */
async function warmup(c: Contender, ms: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  let n = 0;
  let elapsed: number;
  do {
    sink = c.async ? await c.fn() : c.fn();
    n++;
    elapsed = hrMs(t0);
  } while (elapsed < ms && n < 10 * MAX_BATCH);
  return (elapsed * 1e6) / n;
}

export function batchSize(nsPerCall: number, targetSampleNs: number): number {
  if (!(nsPerCall > 0) || nsPerCall >= targetSampleNs) return 1;
  return Math.min(MAX_BATCH, Math.ceil(targetSampleNs / nsPerCall));
}

function taskFn(c: Contender, k: number): () => unknown {
  const fn = c.fn;
  if (k === 1) {
    return c.async
      ? async () => {
          sink = await fn();
        }
      : () => {
          sink = fn();
        };
  }
  // A batch reports its mean per call as the sample and its whole cost to the time budget.
  if (c.async) {
    return async () => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < k; i++) sink = await fn();
      const ms = hrMs(t0);
      return { overriddenDuration: ms / k, overriddenIterationCost: ms };
    };
  }
  return () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < k; i++) sink = fn();
    const ms = hrMs(t0);
    return { overriddenDuration: ms / k, overriddenIterationCost: ms };
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function measure(contenders: readonly Contender[], opts: MeasureOptions): Promise<Measured> {
  const batch: Record<string, number> = {};
  const samples: Record<string, number[]> = {};
  const roundMedians: Record<string, number[]> = {};
  for (const c of contenders) {
    batch[c.name] = batchSize(await warmup(c, opts.warmupMs), opts.targetSampleNs);
    samples[c.name] = [];
    roundMedians[c.name] = [];
  }
  for (let r = 0; r < opts.rounds; r++) {
    const bench = new Bench({
      time: opts.roundMs,
      iterations: opts.minSamplesPerRound,
      warmup: false,
      retainSamples: true,
      throws: true,
      timestampProvider: 'hrtimeNow',
    });
    // Rotate the order each round so no contender always runs right after a given other one.
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + r) % contenders.length];
      bench.add(c.name, taskFn(c, batch[c.name]), { async: c.async });
    }
    await bench.run();
    for (const task of bench.tasks) {
      const res = task.result;
      if (res.state !== 'completed' && res.state !== 'aborted-with-statistics') {
        const why = res.state === 'errored' ? res.error.message : res.state;
        throw new Error(`${task.name}: ${why}`);
      }
      const ns = (res.latency.samples ?? []).map((ms) => ms * 1e6);
      samples[task.name].push(...ns);
      roundMedians[task.name].push(median(ns));
    }
    opts.onRound?.(r);
  }
  return { samples, roundMedians, batch };
}
