import type { PromCounter, PromHistogram } from './prom-client';

// Call metrics summed in plain cells, one per label set, and handed to prom-client when the metric is
// read (a scrape, get(), getMetricsAsJSON()). prom-client hashes the label object on every inc() and
// observe() (a string built from every label value, then a lookup by it); a call here only adds to
// the cells its series already holds. The values read are the same: a counter's cell is summed in
// call order as prom-client would sum it, and a histogram's buckets, sum and count are prom-client's.

export type Labels = Record<string, string>;

export interface CounterCell {
  readonly labels: Labels;
  value: number;
}

export interface HistogramCell {
  readonly labels: Labels;
  /** Per bucket (not cumulative), as prom-client keeps them. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/** Adds a count: only finite values above 0 (prom-client would throw for the others; the point is lost). */
export function addTo(c: CounterCell, v: number): void {
  if (v > 0 && v < Infinity) c.value += v;
}

/** The cells of one counter: written into the prom-client Counter each time it is read. */
export class CounterFamily {
  readonly #cells: CounterCell[] = [];

  cell(labels: Labels): CounterCell {
    const c: CounterCell = { labels, value: 0 };
    this.#cells.push(c);
    return c;
  }

  /**
   * Makes `metric` read from the cells: its collect() sets each series to its cell's total (its own
   * reset, then one inc per series), and its reset() (registry.resetMetrics()) empties the cells too.
   */
  attach(metric: PromCounter): void {
    const cells = this.#cells;
    const reset = metric.reset.bind(metric);
    metric.reset = () => {
      for (const c of cells) c.value = 0;
      reset();
    };
    (metric as { collect?: () => void }).collect = function (this: PromCounter) {
      reset();
      try {
        for (const c of cells) if (c.value > 0) this.inc(c.labels, c.value);
      } catch {
        // A metric whose inc() throws is left as far as it got for this scrape; the scrape goes on.
      }
    };
  }
}

type Value = { labels: Record<string, string | number>; sharedLabels?: Labels; value: number; metricName: string;
  exemplar?: null };
type Got = { values: Value[] } & Record<string, unknown>;

/** The cells of one histogram (fixed bounds): exported next to whatever prom-client holds itself. */
export class HistogramFamily {
  readonly #cells: HistogramCell[] = [];
  readonly #bounds: readonly number[];

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
  }

  cell(labels: Labels): HistogramCell {
    const c: HistogramCell = { labels, counts: new Array<number>(this.#bounds.length).fill(0), sum: 0, count: 0 };
    this.#cells.push(c);
    return c;
  }

  /** prom-client's observe(): the first bucket whose bound the value is within (none: +Inf only). */
  observe(c: HistogramCell, v: number): void {
    if (!Number.isFinite(v)) return;
    const b = this.#bounds;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]) {
        c.counts[i]++;
        break;
      }
    }
    c.sum += v;
    c.count++;
  }

  /**
   * prom-client's export of each cell, in its shape: 15 (getForPromString: the series' labels apart as
   * sharedLabels) or 14 (get: one labels object, `le` first).
   */
  #values(name: string, splay: boolean): Value[] {
    const out: Value[] = [];
    const bucket = `${name}_bucket`;
    const b = this.#bounds;
    // The keys and their order as each version's setValuePair() makes them (15: exemplar null on buckets).
    const pair = (own: Record<string, string | number>, value: number, metricName: string, shared: Labels,
      exemplar: null | undefined): Value => (splay
      ? { labels: Object.assign(own, shared), value, metricName }
      : { labels: own, sharedLabels: shared, value, metricName, exemplar });
    for (const c of this.#cells) {
      if (c.count === 0) continue;
      let acc = 0;
      for (let i = 0; i < b.length; i++) {
        acc += c.counts[i];
        out.push(pair({ le: b[i] }, acc, bucket, c.labels, null));
      }
      out.push(pair({ le: '+Inf' }, c.count, bucket, c.labels, null));
      out.push(pair({}, c.sum, `${name}_sum`, c.labels, undefined));
      out.push(pair({}, c.count, `${name}_count`, c.labels, undefined));
    }
    return out;
  }

  /** Makes `metric` export the cells (before any series prom-client holds itself) and reset them with it. */
  attach(metric: PromHistogram & { name?: string }): void {
    const m = metric as unknown as Record<string, unknown> & { name: string; reset(): void };
    const cells = this.#cells;
    const reset = m.reset.bind(m);
    m.reset = () => {
      for (const c of cells) {
        c.counts.fill(0);
        c.sum = 0;
        c.count = 0;
      }
      reset();
    };
    // prom-client 15 formats from getForPromString() (get() splays it); 14 has get() only.
    const method = typeof m.getForPromString === 'function' ? 'getForPromString' : 'get';
    const own = (m[method] as () => Promise<Got>).bind(m);
    m[method] = async (): Promise<Got> => {
      const got = await own();
      got.values = this.#values(m.name, method === 'get').concat(got.values);
      return got;
    };
  }
}
