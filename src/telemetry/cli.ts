// `fast-litellm metrics`: what the package exports (every Prometheus metric with its type, unit and
// labels; the OpenTelemetry instruments), or, with --url, a summary of a running app's endpoint
// (FAST_LITELLM_METRICS_PORT, or an app's createMetricsHandler()), on loopback by default.
import { helpText, parseArgs, UsageError, type CommandHelp, type OptSpec, type Out } from '../cli/args';
import { EXIT, exitCodesText } from '../cli/exit-codes';
import { ALL_METRICS, OTEL_METRICS } from './catalog';

export const METRICS_SPEC = {
  url: { kind: 'string', arg: 'url', help: 'scrape this endpoint and summarise it (e.g. http://127.0.0.1:9464/metrics)' },
  json: { kind: 'boolean', help: 'print JSON instead of a table' },
  help: { kind: 'boolean', help: 'show this help' },
} satisfies Record<string, OptSpec>;

export const METRICS_HELP: CommandHelp = {
  usage: 'fast-litellm metrics [--url <url>] [--json]',
  summary:
    'Lists the Prometheus metrics the shim exports (LiteLLM\'s names where the concept is the same) and its\n' +
    'OpenTelemetry instruments. With --url, reads a running app\'s /metrics (started with FAST_LITELLM_METRICS=1\n' +
    'FAST_LITELLM_METRICS_PORT=9464, or served by createMetricsHandler()) and sums each litellm_* and\n' +
    'fast_litellm_* metric over its series.',
  examples: [
    'npx fast-litellm metrics',
    'FAST_LITELLM_METRICS=1 FAST_LITELLM_METRICS_PORT=9464 node --import fast-litellm/register app.js &',
    'npx fast-litellm metrics --url http://127.0.0.1:9464/metrics',
  ],
};

interface Summary {
  name: string;
  series: number;
  /** Counters and gauges: the sum of the series; histograms: the sum of their _sum. */
  value: number;
  /** Histograms: observations. */
  count?: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/;

/** Sums of the litellm_* and fast_litellm_* families of a text exposition. */
export function summarise(text: string): Summary[] {
  const types = new Map<string, string>();
  const out = new Map<string, Summary>();
  for (const line of text.split('\n')) {
    const t = /^# TYPE (\S+) (\S+)/.exec(line);
    if (t) {
      types.set(t[1], t[2]);
      continue;
    }
    const m = LINE.exec(line);
    if (!m || !/^(litellm_|fast_litellm_)/.test(m[1])) continue;
    let name = m[1];
    let part: 'value' | 'sum' | 'count' | 'bucket' = 'value';
    for (const suffix of ['_sum', '_count', '_bucket'] as const) {
      const base = name.slice(0, -suffix.length);
      if (name.endsWith(suffix) && types.get(base) === 'histogram') {
        name = base;
        part = suffix.slice(1) as 'sum' | 'count' | 'bucket';
      }
    }
    if (part === 'bucket') continue;
    const v = Number(m[3]);
    const s = out.get(name) ?? { name, series: 0, value: 0, ...(types.get(name) === 'histogram' ? { count: 0 } : {}) };
    if (part === 'count') {
      s.count = (s.count ?? 0) + v;
      s.series++;
    } else {
      s.value += v;
      if (part === 'value') s.series++;
    }
    out.set(name, s);
  }
  return [...out.values()];
}

function catalogText(): string {
  const rows = ALL_METRICS.map((m) => [m.name, m.type, m.unit, m.labels.join(',') || '-']);
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => `  ${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`);
  return ['Prometheus (FAST_LITELLM_METRICS=1; prom-client):', ...lines, '',
    'OpenTelemetry (FAST_LITELLM_OTEL=1; @opentelemetry/api and an SDK the app registers):',
    ...OTEL_METRICS.map((m) => `  ${m.name.padEnd(w[0])}  histogram  ${m.unit}`), '',
    'Spans: one client span per litellm completion()/embedding() call and openai SDK request (README "Observability").',
    ''].join('\n');
}

export async function metricsCommand(argv: string[], io: Out): Promise<number> {
  const { opts, positionals } = parseArgs(argv, METRICS_SPEC, 'metrics');
  const o = opts as { url?: string; json?: boolean; help?: boolean };
  if (o.help) {
    io.out(`${helpText(METRICS_HELP, METRICS_SPEC, exitCodesText(['ok', 'failure']))}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`, 'metrics');
  if (o.url === undefined) {
    io.out(o.json ? `${JSON.stringify({ prometheus: ALL_METRICS, opentelemetry: OTEL_METRICS }, null, 2)}\n` : catalogText());
    return EXIT.ok;
  }
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new UsageError(`--url: invalid value ${JSON.stringify(o.url)}; accepted: an http(s) URL`, 'metrics');
  }
  let text: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    text = await res.text();
  } catch (err) {
    io.err(`fast-litellm: cannot read ${url.href} (${(err as Error).message})\n`);
    return EXIT.failure;
  }
  const rows = summarise(text);
  if (o.json) {
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  if (rows.length === 0) {
    io.out(`${url.href}: no litellm_* or fast_litellm_* metrics (is FAST_LITELLM_METRICS=1 set in the app?)\n`);
    return EXIT.ok;
  }
  const w = Math.max(...rows.map((r) => r.name.length));
  const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(6));
  io.out(`${rows.map((r) => `${r.name.padEnd(w)}  ${num(r.value).padStart(12)}${r.count !== undefined
    ? `  (${r.count} observed)` : ''}  ${r.series} series`).join('\n')}\n`);
  return EXIT.ok;
}
