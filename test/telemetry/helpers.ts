import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Registry } from 'prom-client';
import { applyAcceleration } from '../../src/index';
import { loadConfig, setConfig, type Config } from '../../src/config';
import { configureMetrics } from '../../src/telemetry';

// The real OpenTelemetry SDK with in-memory exporters and a real prom-client registry, set up the way
// an app registers them; the shim's telemetry settings as the environment would give them.

class PullReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface Otel {
  spans: InMemorySpanExporter;
  reader: PullReader;
  tracerProvider: BasicTracerProvider;
  /** Every finished span so far. */
  finished(): ReadableSpan[];
  /** Metric points by instrument name: [attributes, value] (histograms: { count, sum }). */
  points(name: string): Promise<{ attributes: Record<string, unknown>; value: any }[]>;
}

export function setUpOtel(exporter?: SpanExporter): Otel {
  const spans = new InMemorySpanExporter();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter ?? spans)] });
  trace.setGlobalTracerProvider(tracerProvider);
  const reader = new PullReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  return {
    spans, reader, tracerProvider,
    finished: () => spans.getFinishedSpans(),
    async points(name) {
      const { resourceMetrics } = await reader.collect();
      return pointsOf(resourceMetrics, name);
    },
  };
}

function pointsOf(rm: ResourceMetrics, name: string): { attributes: Record<string, unknown>; value: any }[] {
  const out: { attributes: Record<string, unknown>; value: any }[] = [];
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      if (m.descriptor.name !== name) continue;
      for (const p of m.dataPoints) out.push({ attributes: p.attributes as Record<string, unknown>, value: p.value });
    }
  }
  return out;
}

/** A fresh registry the metrics go to. */
export function freshRegistry(): Registry {
  const registry = new Registry();
  configureMetrics({ registry });
  return registry;
}

/** Telemetry settings as given by the environment (over the defaults), applied with the feature on. */
export function telemetry(t: Partial<Config['telemetry']>, extra: Partial<Config> = {}): void {
  const cfg = loadConfig({});
  setConfig({ ...cfg, ...extra, telemetry: { ...cfg.telemetry, ...t } });
  applyAcceleration({ features: { telemetry: 'on' } });
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Histograms: count and sum. */
  count?: number;
  sum?: number;
}

/**
 * parse-prometheus-text-format folds a histogram's label sets into one (it keeps only unlabeled
 * _sum/_count): each histogram's _sum and _count lines are parsed again as families of their own.
 */
function histogramParts(text: string, names: string[]): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (const n of names) {
    for (const part of ['sum', 'count']) {
      out.push(`# TYPE ${n}_${part} gauge`);
      out.push(...lines.filter((l) => l.startsWith(`${n}_${part}{`) || l.startsWith(`${n}_${part} `)));
    }
  }
  return `${out.join('\n')}\n`;
}

/** A scrape of the registry, parsed by a Prometheus text-format parser. */
export async function scrape(registry: Registry):
  Promise<{ text: string; samples: Sample[]; types: Record<string, string> }> {
  const text = await registry.metrics();
  const families = parsePrometheusTextFormat(text) as any[];
  const types = Object.fromEntries(families.map((f) => [f.name, f.type]));
  const histograms = families.filter((f) => f.type === 'HISTOGRAM').map((f) => f.name as string);
  const parts = new Map<string, { labels: Record<string, string>; value: number }[]>();
  for (const f of parsePrometheusTextFormat(histogramParts(text, histograms)) as any[]) {
    parts.set(f.name, f.metrics.map((m: any) => ({ labels: m.labels ?? {}, value: Number(m.value) })));
  }
  const samples: Sample[] = [];
  for (const f of families) {
    if (f.type === 'HISTOGRAM') {
      const sums = parts.get(`${f.name}_sum`) ?? [];
      for (const c of parts.get(`${f.name}_count`) ?? []) {
        const key = JSON.stringify(c.labels);
        const sum = sums.find((s) => JSON.stringify(s.labels) === key)?.value ?? NaN;
        samples.push({ name: f.name, labels: c.labels, value: c.value, count: c.value, sum });
      }
    } else {
      for (const m of f.metrics) samples.push({ name: f.name, labels: m.labels ?? {}, value: Number(m.value) });
    }
  }
  return { text, samples, types };
}

/** The sum of a metric's samples whose labels include `match`. */
export function total(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

export function sumOf(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + (s.sum ?? 0), 0);
}
