import { performance } from 'node:perf_hooks';
import { warnOnce } from '../log';
import type { ScrapeSources } from './collectors';
import { errorInfo } from './error-info';
import { keyHashPrefix, serverAddress } from './labels';
import { otelSink, type OtelSink, type SpanHandle } from './otel';
import type { Attrs } from './otel-api';
import { callCostOf } from './prices';
import { PromSink } from './prom';
import { promClient, type PromRegistry } from './prom-client';
import type { CallDescription, CallOutcome, DeploymentRef, ErrorInfo, Layer } from './types';

// The telemetry core: which sinks are on (OpenTelemetry, Prometheus) and one record per call, from its
// start to its end. Every step is guarded: a sink that throws loses its data point, never the call.

export interface TelemetryOptions {
  otel: boolean;
  metrics: boolean;
  /** gen_ai.input.messages / gen_ai.output.messages on spans (the conventions' opt-in attributes). */
  captureContent: boolean;
  /** A `hashed_api_key` label (sha256 prefix) on call metrics. */
  apiKeyLabel: boolean;
  /** Distinct values kept per label (models, deployment ids, origins) before `__other__`. */
  maxLabelValues: number;
  version: string;
  /** The app's prom-client registry; default: prom-client's global one. */
  registry?: PromRegistry;
}

interface Active {
  otel?: OtelSink;
  prom?: PromSink;
  capture: boolean;
  keyLabel: boolean;
}

let active: Active | undefined;
let sources: ScrapeSources = {};
let appRegistry: PromRegistry | undefined;

/** The registry metrics go to: the app's (configureMetrics) or prom-client's default; undefined without prom-client. */
export function metricsRegistry(): PromRegistry | undefined {
  return appRegistry ?? promClient()?.register;
}

/** The app's registry for the metrics (undefined: prom-client's default one). */
export function setMetricsRegistry(registry: PromRegistry | undefined): void {
  appRegistry = registry;
  // Metrics already registered move to the new registry.
  if (lastOptions?.metrics) configureTelemetry(lastOptions);
}

let lastOptions: TelemetryOptions | undefined;

/** Sets up the sinks the options ask for; a missing optional peer leaves that sink out, with one warning. */
export function configureTelemetry(o: TelemetryOptions): void {
  lastOptions = o;
  const next: Active = { capture: o.captureContent, keyLabel: o.apiKeyLabel };
  if (o.otel) {
    next.otel = otelSink(o.version, o.captureContent);
    if (next.otel === undefined) warnOnce('FAST_LITELLM_OTEL is on but @opentelemetry/api is not installed; no spans');
  }
  if (o.metrics) {
    const client = promClient();
    if (client === null) warnOnce('FAST_LITELLM_METRICS is on but prom-client is not installed; no metrics');
    else {
      try {
        next.prom = new PromSink(client, o.registry ?? appRegistry ?? client.register,
          { keyLabel: o.apiKeyLabel, maxLabelValues: o.maxLabelValues }, () => sources);
      } catch (err) {
        warnOnce(`Prometheus metrics not registered (${(err as Error).message})`);
      }
    }
  }
  active = next.otel === undefined && next.prom === undefined ? undefined : next;
}

export function disableTelemetry(): void {
  active = undefined;
  lastOptions = undefined;
}

export function setScrapeSources(s: ScrapeSources): void {
  sources = s;
}

/** True when some sink is on: the shims skip describing calls otherwise. */
export function telemetryOn(): boolean {
  return active !== undefined;
}

/** True when spans are made: only they carry the request settings. */
export function spansOn(): boolean {
  return active?.otel !== undefined;
}

export function captureContent(): boolean {
  return active?.capture === true;
}

// The router's decisions (its observer): counted only while Prometheus metrics are on; never throws.

export function routerOutcome(d: DeploymentRef, ok: boolean, errorClass?: string, status?: number): void {
  try {
    active?.prom?.router.outcome(d, ok, errorClass, status);
  } catch {
    // a metric that throws loses this point only
  }
}

export function routerCooldown(d: DeploymentRef, until: number): void {
  try {
    active?.prom?.router.cooldown(d, until);
  } catch {
    // dropped
  }
}

export function routerFallback(from: string, to: string, ok: boolean): void {
  try {
    active?.prom?.router.fallback(from, to, ok);
  } catch {
    // dropped
  }
}

/** How a stream's span ended: read to its end, stopped by the app, or dropped and collected. */
export type StreamEnd = 'complete' | 'returned' | 'abandoned';

export class CallRecord {
  readonly layer: Layer;
  readonly t0 = performance.now();
  /** ms (performance time) of the first and the latest stream chunk. */
  first: number | undefined;
  last: number | undefined;
  readonly #a: Active;
  // Of the description, only what the end needs: neither the key nor the input is kept past the start
  // (a stream's record lives as long as the stream).
  readonly #provider: string;
  readonly #requestModel: string;
  readonly #stream: boolean;
  /** The metric attributes (the span's start attributes without the request settings). */
  readonly #attrs: Attrs;
  readonly #keyHash: string | undefined;
  #span: SpanHandle | undefined;
  #done = false;

  constructor(a: Active, desc: CallDescription, layer: Layer) {
    this.#a = a;
    this.#provider = desc.provider;
    this.#requestModel = desc.requestModel;
    this.#stream = desc.stream;
    this.#keyHash = a.keyLabel && a.prom !== undefined ? keyHashPrefix(desc.apiKey) : undefined;
    this.layer = layer;
    const addr = serverAddress(desc.baseUrl);
    this.#attrs = addr.address === undefined
      ? { 'gen_ai.operation.name': desc.operation, 'gen_ai.provider.name': desc.provider,
        'gen_ai.request.model': desc.requestModel }
      : { 'gen_ai.operation.name': desc.operation, 'gen_ai.provider.name': desc.provider,
        'gen_ai.request.model': desc.requestModel, 'server.address': addr.address, 'server.port': addr.port };
    if (a.otel !== undefined && layer !== 'api') {
      try {
        this.#span = a.otel.startSpan(desc, addr, this.t0);
      } catch {
        this.#span = undefined;
      }
    }
  }

  get done(): boolean {
    return this.#done;
  }

  /** A span is recording this call: the original must run in its context (run()). */
  get traced(): boolean {
    return this.#span !== undefined;
  }

  /** Runs the original in the span's context, so spans beneath it (HTTP) are its children. */
  run<T>(fn: () => T): T {
    const h = this.#span;
    return h === undefined ? fn() : this.#a.otel!.run(h, fn);
  }

  /** The call ended with an answer (or a stream's end); returns the outcome with its cost. */
  succeed(outcome: CallOutcome, end?: StreamEnd, at?: number): CallOutcome {
    if (this.#done) return outcome;
    this.#done = true;
    try {
      if (outcome.cost === undefined && outcome.usage !== undefined) {
        outcome.cost = callCostOf(outcome.responseModel, outcome.served?.deployment, this.#requestModel,
          outcome.usage, outcome.provider ?? this.#provider);
      }
    } catch {
      // unpriced
    }
    this.#finish(outcome, undefined, end, at);
    return outcome;
  }

  fail(err: unknown, at?: number): ErrorInfo | undefined {
    if (this.#done) return undefined;
    this.#done = true;
    let info: ErrorInfo;
    try {
      info = errorInfo(err);
    } catch {
      info = { type: '_OTHER', status: '' };
    }
    this.#finish(undefined, info, undefined, at);
    return info;
  }

  #finish(outcome: CallOutcome | undefined, error: ErrorInfo | undefined, end: StreamEnd | undefined,
    at: number | undefined): void {
    const endAt = at ?? performance.now();
    const seconds = (endAt - this.t0) / 1000;
    const ttft = this.first === undefined ? undefined : (this.first - this.t0) / 1000;
    const a = this.#a;
    const attrs = this.#attrs;
    if (outcome?.provider !== undefined) attrs['gen_ai.provider.name'] = outcome.provider;
    if (outcome?.responseModel !== undefined) attrs['gen_ai.response.model'] = outcome.responseModel;
    if (error !== undefined) attrs['error.type'] = error.type;
    if (a.otel !== undefined) {
      try {
        if (this.#span !== undefined) a.otel.endSpan(this.#span, attrs, outcome, error, ttft, end, endAt);
        if (this.layer === 'call' || this.layer === 'both') {
          a.otel.record(attrs, seconds, outcome, this.#stream ? ttft : undefined);
        }
      } catch {
        // a broken exporter or meter loses this point only
      }
    }
    if (a.prom !== undefined) {
      try {
        const s = outcome?.served;
        const req = this.#requestModel;
        a.prom.record({
          layer: this.layer === 'attempt' ? 'api' : this.layer, model: s?.deployment ?? req, requestedModel: req,
          provider: String(attrs['gen_ai.provider.name']), modelId: s?.modelId,
          keyHash: this.#keyHash, seconds,
          ttftSeconds: this.#stream ? ttft : undefined, outcome, error,
          fallback: s?.fallbacks && s.modelGroup !== undefined && s.modelGroup !== req
            ? { from: req, to: s.modelGroup } : undefined,
          deployment: s?.modelId !== undefined && s.deployment !== undefined
            ? { model: s.deployment, id: s.modelId, apiBase: serverAddress(s.apiBase).base ?? '' } : undefined,
        });
      } catch {
        // a metric that throws loses this point only
      }
    }
  }
}

/** A record for a call starting now, or undefined when telemetry is off (the shim then just calls). */
export function startCall(desc: CallDescription, layer: Layer): CallRecord | undefined {
  const a = active;
  if (a === undefined) return undefined;
  try {
    return new CallRecord(a, desc, layer);
  } catch {
    return undefined;
  }
}
