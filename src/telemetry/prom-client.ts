// The parts of prom-client used here, typed locally: prom-client is an optional peer, loaded on first
// use, and the package's type declarations must not need it.

export interface PromMetric {
  readonly name?: string;
  reset(): void;
}

export interface PromCounter extends PromMetric {
  inc(labels: Record<string, string>, value?: number): void;
}

export interface PromHistogram extends PromMetric {
  observe(labels: Record<string, string>, value: number): void;
}

export interface PromGauge extends PromMetric {
  set(labels: Record<string, string>, value: number): void;
}

export interface PromRegistry {
  getSingleMetric(name: string): unknown;
  metrics(): Promise<string>;
  readonly contentType: string;
}

interface MetricConfig {
  name: string;
  help: string;
  labelNames: string[];
  registers: PromRegistry[];
  buckets?: number[];
  collect?: (this: never) => void | Promise<void>;
}

export interface PromClient {
  Counter: new (c: MetricConfig) => PromCounter;
  Histogram: new (c: MetricConfig) => PromHistogram;
  Gauge: new (c: MetricConfig) => PromGauge;
  register: PromRegistry;
}

let client: PromClient | null | undefined;

/** The app's prom-client, or null when it is not installed. */
export function promClient(): PromClient | null {
  if (client === undefined) {
    try {
      client = require('prom-client') as PromClient;
    } catch {
      client = null;
    }
  }
  return client;
}

/** Tests: load prom-client again, or pretend it is missing (null). */
export function resetPromClient(value?: PromClient | null): void {
  client = value;
}
