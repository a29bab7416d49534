import { warnOnce } from '../log';
import { CALL_LABELS, CALL_METRICS, SCRAPE_METRICS, type MetricSpec } from './catalog';
import { collectorFor, type ScrapeSources } from './collectors';
import { BoundedValues } from './labels';
import type { PromClient, PromCounter, PromGauge, PromHistogram, PromMetric, PromRegistry } from './prom-client';
import type { CallOutcome, ErrorInfo } from './types';

// Prometheus metrics in the app's prom-client registry (or prom-client's default one), with LiteLLM's
// metric and label names (catalog.ts). Call metrics are recorded when a call ends; the shim's own
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

export class PromSink {
  readonly #keyLabel: boolean;
  readonly #m = new Map<string, PromMetric>();
  readonly #bounds: Record<string, BoundedValues>;

  constructor(client: PromClient, registry: PromRegistry, options: { keyLabel: boolean; maxLabelValues: number },
    sources: () => ScrapeSources) {
    this.#keyLabel = options.keyLabel;
    const b = (): BoundedValues => new BoundedValues(options.maxLabelValues);
    this.#bounds = { model: b(), requested: b(), id: b(), provider: b(), scope: b() };
    for (const spec of CALL_METRICS) this.#create(client, registry, spec, undefined);
    for (const spec of SCRAPE_METRICS) {
      this.#create(client, registry, spec, collectorFor(spec.name, sources, options.maxLabelValues));
    }
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
  }

  // Each point on its own: a metric that throws loses its point, not the call's others.
  #inc(name: string, labels: Record<string, string>, v?: number): void {
    try {
      (this.#m.get(name) as PromCounter | undefined)?.inc(labels, v);
    } catch {
      // dropped
    }
  }

  #observe(name: string, labels: Record<string, string>, v: number): void {
    try {
      (this.#m.get(name) as PromHistogram | undefined)?.observe(labels, v);
    } catch {
      // dropped
    }
  }

  #set(name: string, labels: Record<string, string>, v: number): void {
    try {
      (this.#m.get(name) as PromGauge | undefined)?.set(labels, v);
    } catch {
      // dropped
    }
  }

  /** Label objects per label values, built once: prom-client keeps the object of a series' first point. */
  readonly #labels = new Map<string, { base: Record<string, string>; status: Map<string, Record<string, string>> }>();

  #labelsFor(c: PromCall): { base: Record<string, string>; status: Map<string, Record<string, string>> } {
    const b = this.#bounds;
    const model = b.model.of(c.model);
    const requested = b.requested.of(c.requestedModel);
    const provider = b.provider.of(c.provider);
    const id = b.id.of(c.modelId);
    const key = this.#keyLabel ? `${model}\u0001${requested}\u0001${provider}\u0001${id}\u0001${c.keyHash ?? ''}`
      : `${model}\u0001${requested}\u0001${provider}\u0001${id}`;
    let l = this.#labels.get(key);
    if (l === undefined) {
      const base: Record<string, string> = { model, requested_model: requested, api_provider: provider, model_id: id };
      if (this.#keyLabel) base.hashed_api_key = c.keyHash ?? '';
      l = { base, status: new Map() };
      // Bounded by the label bounds already; the cap only guards against a key label of many keys.
      if (this.#labels.size >= 10_000) this.#labels.clear();
      this.#labels.set(key, l);
    }
    return l;
  }

  record(c: PromCall): void {
    const l = this.#labelsFor(c);
    const base = l.base;
    if (c.layer !== 'call') {
      this.#observe('litellm_llm_api_latency_metric', base, c.seconds);
      if (c.ttftSeconds !== undefined) this.#observe('litellm_llm_api_time_to_first_token_metric', base, c.ttftSeconds);
    }
    if (c.layer === 'api') return;
    this.#observe('litellm_request_total_latency_metric', base, c.seconds);
    this.#inc('litellm_requests_metric_total', base);
    const e = c.error;
    const code = e ? e.status : '200';
    let withStatus = l.status.get(code);
    if (withStatus === undefined) l.status.set(code, (withStatus = { ...base, status_code: code }));
    this.#inc('litellm_proxy_total_requests_metric_total', withStatus);
    if (e !== undefined) {
      this.#inc('litellm_proxy_failed_requests_metric_total',
        { ...base, exception_status: e.status, exception_class: e.type });
      if (e.limit !== undefined) this.#denial(e.limit, base.requested_model);
      return;
    }
    const u = c.outcome?.usage;
    const input = u?.inputTokens ?? 0;
    const output = u?.outputTokens ?? 0;
    if (input > 0) this.#inc('litellm_input_tokens_metric_total', base, input);
    if (output > 0) this.#inc('litellm_output_tokens_metric_total', base, output);
    if (input + output > 0) this.#inc('litellm_total_tokens_metric_total', base, input + output);
    const cost = c.outcome?.cost;
    if (cost !== undefined && cost > 0) this.#inc('litellm_spend_metric_total', base, cost);
    const b = this.#bounds;
    if (c.fallback !== undefined) {
      this.#inc('litellm_deployment_successful_fallbacks_total',
        { requested_model: base.requested_model, fallback_model: b.requested.of(c.fallback.to) });
    }
    const d = c.deployment;
    if (d !== undefined && output > 0) {
      this.#observe('litellm_deployment_latency_per_output_token', {
        litellm_model_name: b.model.of(d.model), model_id: b.id.of(d.id), api_base: d.apiBase,
        api_provider: base.api_provider,
      }, c.seconds / output);
    }
  }

  #denial(l: NonNullable<ErrorInfo['limit']>, model: string): void {
    const scope = this.#bounds.scope.of(l.scope);
    this.#inc('fast_litellm_rate_limit_denials_total', { scope, limit_type: l.limitType, model });
    if (l.remainingRequests !== undefined) {
      this.#set('fast_litellm_rate_limit_remaining_requests', { scope, model }, l.remainingRequests);
    }
    if (l.remainingTokens !== undefined) {
      this.#set('fast_litellm_rate_limit_remaining_tokens', { scope, model }, l.remainingTokens);
    }
  }
}
