import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_METRICS, OTEL_METRICS, SPAN_ATTRIBUTES } from '../../src/telemetry';
import { summarise } from '../../src/telemetry/cli';

// The README's Observability tables name every metric, instrument and attribute the catalog has.
const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Observability'), readme.indexOf('## Benchmarks'));

describe('the metric catalog', () => {
  it('every Prometheus metric, OpenTelemetry instrument and attribute has a README row with its unit', () => {
    for (const m of ALL_METRICS) expect(section).toContain(`| \`${m.name}\` | ${m.type} | \`${m.unit}\` |`);
    for (const m of OTEL_METRICS) expect(section).toContain(`| \`${m.name}\` | \`${m.unit}\` |`);
    for (const a of SPAN_ATTRIBUTES) expect(section).toContain(`| \`${a.name.replace('*', '')}\``);
  });

  it('counter names end in _total and label names are valid Prometheus names', () => {
    for (const m of ALL_METRICS) {
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      for (const l of m.labels) expect(l).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
    }
  });

  it('fast-litellm metrics --url sums a text exposition', () => {
    const text = [
      '# TYPE litellm_spend_metric_total counter', 'litellm_spend_metric_total{model="a"} 0.5',
      'litellm_spend_metric_total{model="b"} 0.25', '# TYPE litellm_llm_api_latency_metric histogram',
      'litellm_llm_api_latency_metric_bucket{le="+Inf",model="a"} 3', 'litellm_llm_api_latency_metric_sum{model="a"} 1.5',
      'litellm_llm_api_latency_metric_count{model="a"} 3', '# TYPE other_total counter', 'other_total 9',
    ].join('\n');
    expect(summarise(text)).toEqual([
      { name: 'litellm_spend_metric_total', series: 2, value: 0.75 },
      { name: 'litellm_llm_api_latency_metric', series: 1, value: 1.5, count: 3 },
    ]);
  });
});
