import { performance } from 'node:perf_hooks';
import { otelApi, type Attrs, type OtelApi, type OtelContext, type OtelHistogram, type OtelSpan } from './otel-api';
import type { ServerAddress } from './labels';
import { messagesJson } from './response';
import type { CallDescription, CallOutcome, ErrorInfo } from './types';

// OpenTelemetry GenAI client spans and metrics, under the names of the conventions' last published
// release (semantic-conventions v1.41.0, docs/gen-ai): `gen_ai.client.operation.duration`,
// `gen_ai.client.token.usage` by `gen_ai.token.type`, `gen_ai.client.operation.time_to_first_chunk`.
// Tracer and meter come from the global providers the app registered; without one they are no-ops.

const SCOPE = 'fast-litellm';

// The conventions' ExplicitBucketBoundaries.
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const CHUNK_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

interface Instruments {
  provider: unknown;
  duration: OtelHistogram;
  tokens: OtelHistogram;
  ttfc: OtelHistogram;
}

export interface SpanHandle {
  span: OtelSpan;
  ctx: OtelContext;
}

/** Span names per operation and model, made once (bounded: models come from callers). */
const NAMES_MAX = 1024;

type Tracer = ReturnType<OtelApi['trace']['getTracer']>;

export class OtelSink {
  readonly #api: OtelApi;
  readonly #version: string;
  readonly #capture: boolean;
  #instruments: Instruments | undefined;
  #tracer: { provider: unknown; tracer: Tracer } | undefined;
  readonly #names = new Map<string, Map<string, string>>();

  constructor(api: OtelApi, version: string, capture: boolean) {
    this.#api = api;
    this.#version = version;
    this.#capture = capture;
  }

  /** The tracer, looked up again only when the app's provider changes (an SDK registered later). */
  #tracerNow(): Tracer {
    const api = this.#api;
    const global = api.trace.getTracerProvider?.() as { getDelegate?(): unknown } | undefined;
    const provider = typeof global?.getDelegate === 'function' ? global.getDelegate() : global;
    const t = this.#tracer;
    if (t !== undefined && provider !== undefined && t.provider === provider) return t.tracer;
    const tracer = api.trace.getTracer(SCOPE, this.#version);
    this.#tracer = { provider, tracer };
    return tracer;
  }

  #name(op: string, model: string): string {
    let byModel = this.#names.get(op);
    if (byModel === undefined) this.#names.set(op, (byModel = new Map()));
    let name = byModel.get(model);
    if (name === undefined) {
      name = `${op} ${model}`;
      if (byModel.size >= NAMES_MAX) byModel.clear();
      byModel.set(model, name);
    }
    return name;
  }

  /** A client span, child of the active context; undefined when nothing records it (no SDK, not sampled). */
  startSpan(desc: CallDescription, addr: ServerAddress, startTime: number): SpanHandle | undefined {
    const api = this.#api;
    const parent = api.context.active();
    const span = this.#tracerNow().startSpan(this.#name(desc.operation, desc.requestModel),
      { kind: api.SpanKind.CLIENT, attributes: spanStartAttrs(desc, addr), startTime }, parent);
    if (!span.isRecording()) return undefined;
    if (this.#capture && desc.input !== undefined && desc.operation === 'chat') {
      const json = messagesJson(desc.input);
      if (json !== undefined) span.setAttribute('gen_ai.input.messages', json);
    }
    return { span, ctx: api.trace.setSpan(parent, span) };
  }

  run<T>(h: SpanHandle, fn: () => T): T {
    return this.#api.context.with(h.ctx, fn);
  }

  /** Ends the span with every attribute the end knows, set at once. */
  endSpan(h: SpanHandle, attrs: Attrs, outcome: CallOutcome | undefined, error: ErrorInfo | undefined,
    ttft: number | undefined, streamEnd: string | undefined, endTime: number): void {
    const span = h.span;
    const end: Attrs = {};
    if (ttft !== undefined) end['gen_ai.response.time_to_first_chunk'] = ttft;
    if (streamEnd !== undefined) end['fast_litellm.stream.end'] = streamEnd;
    if (outcome !== undefined) {
      if (attrs['gen_ai.response.model'] !== undefined) end['gen_ai.response.model'] = attrs['gen_ai.response.model'];
      if (outcome.responseId !== undefined) end['gen_ai.response.id'] = outcome.responseId;
      if (outcome.finishReasons !== undefined) end['gen_ai.response.finish_reasons'] = outcome.finishReasons;
      const u = outcome.usage;
      if (u?.inputTokens !== undefined) end['gen_ai.usage.input_tokens'] = u.inputTokens;
      if (u?.outputTokens !== undefined) end['gen_ai.usage.output_tokens'] = u.outputTokens;
      if (u?.cachedInputTokens !== undefined) end['gen_ai.usage.cache_read.input_tokens'] = u.cachedInputTokens;
      if (outcome.cost !== undefined) end['fast_litellm.response_cost'] = outcome.cost;
      const s = outcome.served;
      if (s?.modelId !== undefined) end['fast_litellm.model_id'] = s.modelId;
      if (s?.modelGroup !== undefined) end['fast_litellm.model_group'] = s.modelGroup;
      if (s?.fallbacks !== undefined && s.fallbacks > 0) end['fast_litellm.attempted_fallbacks'] = s.fallbacks;
      if (this.#capture && outcome.output !== undefined) {
        const json = messagesJson(outcome.output, outcome.finishReasons);
        if (json !== undefined) end['gen_ai.output.messages'] = json;
      }
    }
    if (attrs['server.address'] !== undefined) {
      end['server.address'] = attrs['server.address'];
      end['server.port'] = attrs['server.port'];
    }
    if (attrs['gen_ai.provider.name'] !== undefined) end['gen_ai.provider.name'] = attrs['gen_ai.provider.name'];
    if (error !== undefined) {
      end['error.type'] = error.type;
      // The type only: a provider's message may quote the request.
      span.setStatus({ code: this.#api.SpanStatusCode.ERROR, message: error.type });
    }
    span.setAttributes(end);
    span.end(endTime);
  }

  #instrumentsNow(): Instruments {
    const provider = this.#api.metrics.getMeterProvider();
    // An SDK registered after the first call: instruments of the no-op provider would record nothing.
    if (this.#instruments?.provider === provider) return this.#instruments;
    const meter = provider.getMeter(SCOPE, this.#version);
    this.#instruments = {
      provider,
      duration: meter.createHistogram('gen_ai.client.operation.duration',
        { description: 'GenAI operation duration.', unit: 's', advice: { explicitBucketBoundaries: DURATION_BUCKETS } }),
      tokens: meter.createHistogram('gen_ai.client.token.usage',
        { description: 'Number of input and output tokens used.', unit: '{token}',
          advice: { explicitBucketBoundaries: TOKEN_BUCKETS } }),
      ttfc: meter.createHistogram('gen_ai.client.operation.time_to_first_chunk',
        { description: 'Time to receive the first chunk of a streamed response.', unit: 's',
          advice: { explicitBucketBoundaries: CHUNK_BUCKETS } }),
    };
    return this.#instruments;
  }

  /** Metric points of one finished operation (attrs: the metric attributes, built once per call). */
  record(attrs: Attrs, seconds: number, outcome: CallOutcome | undefined, ttfcSeconds: number | undefined): void {
    const ins = this.#instrumentsNow();
    ins.duration.record(seconds, attrs);
    if (ttfcSeconds !== undefined) ins.ttfc.record(ttfcSeconds, attrs);
    const u = outcome?.usage;
    if (u?.inputTokens !== undefined) ins.tokens.record(u.inputTokens, withTokenType(attrs, 'input'));
    if (u?.outputTokens !== undefined) ins.tokens.record(u.outputTokens, withTokenType(attrs, 'output'));
  }
}

/** The metric attributes and gen_ai.token.type, keys in the same order (a copy: the SDK keeps the first). */
function withTokenType(attrs: Attrs, type: string): Attrs {
  const out: Attrs = {};
  for (const k in attrs) out[k] = attrs[k];
  out['gen_ai.token.type'] = type;
  return out;
}

function spanStartAttrs(desc: CallDescription, addr: ServerAddress): Attrs {
  const a: Attrs = addr.address === undefined
    ? { 'gen_ai.operation.name': desc.operation, 'gen_ai.provider.name': desc.provider,
      'gen_ai.request.model': desc.requestModel }
    : { 'gen_ai.operation.name': desc.operation, 'gen_ai.provider.name': desc.provider,
      'gen_ai.request.model': desc.requestModel, 'server.address': addr.address, 'server.port': addr.port };
  const p = desc.params;
  if (p !== undefined) {
    if (p.maxTokens !== undefined) a['gen_ai.request.max_tokens'] = p.maxTokens;
    if (p.temperature !== undefined) a['gen_ai.request.temperature'] = p.temperature;
    if (p.topP !== undefined) a['gen_ai.request.top_p'] = p.topP;
    if (p.frequencyPenalty !== undefined) a['gen_ai.request.frequency_penalty'] = p.frequencyPenalty;
    if (p.presencePenalty !== undefined) a['gen_ai.request.presence_penalty'] = p.presencePenalty;
    if (p.stopSequences !== undefined) a['gen_ai.request.stop_sequences'] = p.stopSequences;
    if (p.seed !== undefined) a['gen_ai.request.seed'] = p.seed;
    if (p.choiceCount !== undefined && p.choiceCount !== 1) a['gen_ai.request.choice.count'] = p.choiceCount;
    if (p.encodingFormats !== undefined) a['gen_ai.request.encoding_formats'] = p.encodingFormats;
  }
  return a;
}

/** The OTel sink, or undefined when @opentelemetry/api is not installed. */
export function otelSink(version: string, capture: boolean): OtelSink | undefined {
  const api = otelApi();
  return api === null ? undefined : new OtelSink(api, version, capture);
}

/** performance.now() as OTel's TimeInput: the SDK reads numbers below now() as performance time. */
export const nowMs = (): number => performance.now();
