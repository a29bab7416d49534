// The package ships no types: what test/telemetry/helpers.ts reads of its prom2json-shaped output.
declare module 'parse-prometheus-text-format' {
  interface MetricFamily {
    name: string;
    help: string;
    type: string;
    metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string;
      sum?: string }[];
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
