import { warnOnce } from '../log';
import { CALL_LABELS, CALL_METRICS, ROUTER_EVENT_METRICS, SCRAPE_METRICS, type MetricSpec } from './catalog';
import { collectorFor, type ScrapeSources } from './collectors';
import { BoundedValues } from './labels';
import type { PromClient, PromCounter, PromHistogram, PromMetric, PromRegistry } from './prom-client';
import { RouterMetrics } from './prom-router';
import { addTo, CounterFamily, HistogramFamily, type CounterCell, type HistogramCell, type Labels } from './prom-series';
import type { CallOutcome, ErrorInfo } from './types';

// Prometheus metrics in the app's prom-client registry (or prom-client's default one), with LiteLLM's
// metric and label names (catalog.ts). Call metrics are added up when a call ends, in cells of the
// call's series (prom-series.ts), and read into the prom-client metrics at scrape time; the shim's own
// counts, the router's and the pools' are read from their sources at scrape time.

const ours = new WeakSet<object>();

/** One finished call, as the Prometheus metrics label it. */
export interface PromCall {
  layer: 'call' | 'api' | 'both';
  model: string;
  requestedModel: string;
  provider: string;
  modelId?: string;
  keyHash?: string;
  seconds: number;
  ttftSeconds?: number;
  outcome?: CallOutcome;
  error?: ErrorInfo;
  /** A routed call answered by a fallback group: the group asked for, and the one that answered. */
  fallback?: { from: string; to: string };
  /** A routed deployment: latency per output token is recorded per deployment. */
  deployment?: { model: string; id: string; apiBase: string };
}

interface Series {
  readonly labels: Labels;
  api?: HistogramCell;
  ttft?: HistogramCell;
  total?: HistogramCell;
  requests?: CounterCell;
  ok?: CounterCell;
  input?: CounterCell;
  output?: CounterCell;
  tokens?: CounterCell;
  spend?: CounterCell;
  /** litellm_proxy_total_requests_metric_total of the other status codes, and the failures by status and class. */
  status?: Map<string, CounterCell>;
  failed?: Map<string, CounterCell>;
}

type Tree = Map<string, Tree | Series>;

/** The subtree of one label value (made on first use). */
function step(t: Tree, v: string): Tree {
  let next = t.get(v) as Tree | undefined;
  if (next === undefined) t.set(v, (next = new Map()));
  return next;
}

const COUNTERS = ['litellm_proxy_total_requests_metric_total', 'litellm_proxy_failed_requests_metric_total',
  'litellm_requests_metric_total', 'litellm_input_tokens_metric_total', 'litellm_output_tokens_metric_total',
  'litellm_total_tokens_metric_total', 'litellm_spend_metric_total', 'litellm_deployment_successful_fallbacks_total'];
const HISTOGRAMS = ['litellm_request_total_latency_metric', 'litellm_llm_api_latency_metric',
  'litellm_llm_api_time_to_first_token_metric', 'litellm_deployment_latency_per_output_token'];
const ROUTER_COUNTERS = ROUTER_EVENT_METRICS.map((m) => m.name);
const SUMMED = new Set([...COUNTERS, ...HISTOGRAMS, ...ROUTER_COUNTERS]);

/** An empty family for metrics another registrant owns: its cells are summed and never read. */
const orphan = (spec: MetricSpec | undefined): CounterFamily | HistogramFamily =>
  (spec?.type === 'histogram' ? new HistogramFamily(spec.buckets ?? []) : new CounterFamily());

export class PromSink {
  readonly #keyLabel: boolean;
  readonly #m = new Map<string, PromMetric>();
  readonly #bounds: Record<string, BoundedValues>;
  readonly #families = new Map<string, CounterFamily | HistogramFamily>();
  readonly #c: Record<'total' | 'failed' | 'requests' | 'input' | 'output' | 'tokens' | 'spend' | 'fallbacks',
    CounterFamily>;
  readonly #h: Record<'total' | 'api' | 'ttft' | 'perToken', HistogramFamily>;
  /** The router's decisions (its observer), as LiteLLM's deployment metrics. */
  readonly router: RouterMetrics;

  constructor(client: PromClient, registry: PromRegistry, options: { keyLabel: boolean; maxLabelValues: number },
    sources: () => ScrapeSources) {
    this.#keyLabel = options.keyLabel;
    const b = (): BoundedValues => new BoundedValues(options.maxLabelValues);
    this.#bounds = { model: b(), requested: b(), id: b(), provider: b(), scope: b() };
    const f = (name: string) => this.#families.get(name)
      ?? orphan([...CALL_METRICS, ...ROUTER_EVENT_METRICS].find((s) => s.name === name));
    for (const spec of [...CALL_METRICS, ...ROUTER_EVENT_METRICS]) this.#create(client, registry, spec, undefined);
    const [total, success, failure, cooled, failedFallbacks] = ROUTER_COUNTERS.map(f) as CounterFamily[];
    this.router = new RouterMetrics({ total, success, failure, cooled, failedFallbacks }, this.#bounds.id,
      this.#bounds.requested, options.maxLabelValues);
    for (const spec of SCRAPE_METRICS) {
      this.#create(client, registry, spec, collectorFor(spec.name, sources, options.maxLabelValues, this.router));
    }
    const [totalReq, failed, requests, input, output, tokens, spend, fallbacks] = COUNTERS.map(f) as CounterFamily[];
    this.#c = { total: totalReq, failed, requests, input, output, tokens, spend, fallbacks };
    const [totalLatency, api, ttft, perToken] = HISTOGRAMS.map(f) as HistogramFamily[];
    this.#h = { total: totalLatency, api, ttft, perToken };
  }

  #labelsOf(spec: MetricSpec): string[] {
    const withKey = this.#keyLabel && CALL_LABELS.every((l) => spec.labels.includes(l));
    return withKey ? [...spec.labels, 'hashed_api_key'] : [...spec.labels];
  }

  #create(client: PromClient, registry: PromRegistry, spec: MetricSpec, collect: (() => void) | undefined): void {
    const existing = registry.getSingleMetric(spec.name);
    if (existing !== undefined) {
      if (!ours.has(existing as object)) {
        warnOnce(`metric ${spec.name} already exists in the registry (not ours); fast-litellm leaves it alone`);
        return;
      }
      (registry as unknown as { removeSingleMetric(n: string): void }).removeSingleMetric(spec.name);
    }
    const config = {
      name: spec.name, help: spec.help, labelNames: this.#labelsOf(spec), registers: [registry],
      ...(spec.buckets ? { buckets: [...spec.buckets] } : {}),
      ...(collect ? { collect: function (this: PromMetric) { collect.call(this); } } : {}),
    };
    const C = spec.type === 'counter' ? client.Counter : spec.type === 'histogram' ? client.Histogram : client.Gauge;
    const metric = new C(config as never);
    ours.add(metric);
    this.#m.set(spec.name, metric);
    if (collect !== undefined || !SUMMED.has(spec.name)) return;
    if (spec.type === 'histogram') {
      const family = new HistogramFamily(spec.buckets ?? []);
      family.attach(metric as PromHistogram);
      this.#families.set(spec.name, family);
    } else {
      const family = new CounterFamily();
      family.attach(metric as PromCounter);
      this.#families.set(spec.name, family);
    }
  }

  // Each point on its own: a metric that throws loses its point, not the call's others.
  #inc(name: string, labels: Record<string, string>, v?: number): void {
    try {
      (this.#m.get(name) as PromCounter | undefined)?.inc(labels, v);
    } catch {
      // dropped
    }
  }

  /** Series per label values, found by the values themselves (no key string built per call). */
  readonly #tree: Tree = new Map();
  /** Fallback and per-deployment cells (routed calls only), by their label values. */
  readonly #routed = new Map<string, CounterCell | HistogramCell>();

  #seriesOf(c: PromCall): Series {
    const b = this.#bounds;
    const model = b.model.of(c.model);
    const requested = b.requested.of(c.requestedModel);
    const provider = b.provider.of(c.provider);
    const id = b.id.of(c.modelId);
    const key = this.#keyLabel ? c.keyHash ?? '' : undefined;
    const t = step(step(step(key === undefined ? this.#tree : step(this.#tree, key), model), requested), provider);
    let s = t.get(id) as Series | undefined;
    if (s === undefined) {
      const labels: Labels = { model, requested_model: requested, api_provider: provider, model_id: id };
      if (key !== undefined) labels.hashed_api_key = key;
      s = { labels };
      // One per label set, as prom-client keeps one per label set: bounded by the label bounds (the key
      // label, when enabled, by the keys in use).
      t.set(id, s);
    }
    return s;
  }

  #routedCell<T extends CounterCell | HistogramCell>(key: string, make: () => T): T {
    let cell = this.#routed.get(key) as T | undefined;
    if (cell === undefined) this.#routed.set(key, (cell = make()));
    return cell;
  }

  record(c: PromCall): void {
    const s = this.#seriesOf(c);
    const h = this.#h;
    const labels = s.labels;
    if (c.layer !== 'call') {
      h.api.observe((s.api ??= h.api.cell(labels)), c.seconds);
      if (c.ttftSeconds !== undefined) h.ttft.observe((s.ttft ??= h.ttft.cell(labels)), c.ttftSeconds);
    }
    if (c.layer === 'api') return;
    const f = this.#c;
    h.total.observe((s.total ??= h.total.cell(labels)), c.seconds);
    addTo((s.requests ??= f.requests.cell(labels)), 1);
    const e = c.error;
    if (e !== undefined) {
      const code = e.status;
      const byStatus = (s.status ??= new Map());
      let withStatus = byStatus.get(code);
      if (withStatus === undefined) byStatus.set(code, (withStatus = f.total.cell({ ...labels, status_code: code })));
      addTo(withStatus, 1);
      const failed = (s.failed ??= new Map());
      const fk = `${e.status}\u0001${e.type}`;
      let cell = failed.get(fk);
      if (cell === undefined) {
        failed.set(fk, (cell = f.failed.cell({ ...labels, exception_status: e.status, exception_class: e.type })));
      }
      addTo(cell, 1);
      if (e.limit !== undefined) this.#denial(e.limit, labels.requested_model);
      return;
    }
    addTo((s.ok ??= f.total.cell({ ...labels, status_code: '200' })), 1);
    const u = c.outcome?.usage;
    const input = u?.inputTokens ?? 0;
    const output = u?.outputTokens ?? 0;
    if (input > 0) addTo((s.input ??= f.input.cell(labels)), input);
    if (output > 0) addTo((s.output ??= f.output.cell(labels)), output);
    if (input + output > 0) addTo((s.tokens ??= f.tokens.cell(labels)), input + output);
    const cost = c.outcome?.cost;
    if (cost !== undefined && cost > 0) addTo((s.spend ??= f.spend.cell(labels)), cost);
    const b = this.#bounds;
    if (c.fallback !== undefined) {
      const to = b.requested.of(c.fallback.to);
      const from = labels.requested_model;
      addTo(this.#routedCell(`f\u0001${from}\u0001${to}`,
        () => f.fallbacks.cell({ requested_model: from, fallback_model: to })), 1);
    }
    const d = c.deployment;
    if (d !== undefined && output > 0) {
      const model = b.model.of(d.model);
      const id = b.id.of(d.id);
      const provider = labels.api_provider;
      const cell = this.#routedCell(`d\u0001${model}\u0001${id}\u0001${d.apiBase}\u0001${provider}`, () =>
        h.perToken.cell({ litellm_model_name: model, model_id: id, api_base: d.apiBase, api_provider: provider }));
      h.perToken.observe(cell, c.seconds / output);
    }
  }

  #denial(l: NonNullable<ErrorInfo['limit']>, model: string): void {
    // The remaining requests and tokens are read from the limits' last checks at scrape time.
    this.#inc('fast_litellm_rate_limit_denials_total', { scope: this.#bounds.scope.of(l.scope), limit_type: l.limitType,
      model });
  }
}
