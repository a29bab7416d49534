// The few parts of @opentelemetry/api this package uses, typed here so that neither its code nor its
// type declarations need the package: it is an optional peer, loaded on first use, and without it (or
// without an SDK the app registered) every call goes on untraced.

export type Attrs = Record<string, string | number | boolean | string[] | undefined>;

export interface OtelSpan {
  setAttribute(key: string, value: string | number | boolean | string[]): unknown;
  setAttributes(attrs: Attrs): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(endTime?: number): void;
  isRecording(): boolean;
}

export interface OtelHistogram {
  record(value: number, attributes?: Attrs): void;
}

export interface OtelMeter {
  createHistogram(name: string, options: { description?: string; unit?: string;
    advice?: { explicitBucketBoundaries?: number[] } }): OtelHistogram;
}

export interface OtelContext {
  readonly __brand?: 'context';
}

export interface OtelApi {
  trace: {
    getTracer(name: string, version?: string): {
      startSpan(name: string, options: { kind: number; attributes: Attrs; startTime?: number }, ctx?: OtelContext):
        OtelSpan;
    };
    setSpan(ctx: OtelContext, span: OtelSpan): OtelContext;
    /** The global provider (the API's proxy: its getDelegate() is the SDK's provider); API >= 1.0. */
    getTracerProvider?(): unknown;
  };
  metrics: {
    getMeterProvider(): { getMeter(name: string, version?: string): OtelMeter };
  };
  context: {
    active(): OtelContext;
    with<T>(ctx: OtelContext, fn: () => T): T;
  };
  SpanKind: { CLIENT: number };
  SpanStatusCode: { ERROR: number };
}

let api: OtelApi | null | undefined;

/** The app's @opentelemetry/api, or null when it is not installed. */
export function otelApi(): OtelApi | null {
  if (api === undefined) {
    try {
      api = require('@opentelemetry/api') as OtelApi;
    } catch {
      api = null;
    }
  }
  return api;
}

/** Tests: load the API again (after installing or hiding it). */
export function resetOtelApi(value?: OtelApi | null): void {
  api = value;
}
