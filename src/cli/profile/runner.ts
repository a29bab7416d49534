// Runs requests at a given concurrency, turns each into a Measurement, never aborts on errors.
import { classifyError, type Client, type ClientConfig, type Measurement } from './clients';
import { countTokens } from '../../accelerators/tokens';

export interface RunOptions {
  client: Client;
  cfg: ClientConfig;
  models: string[];
  count: number;
  concurrency: number;
  /** Fired by Ctrl-C: no new requests start; in-flight ones are given up on. */
  stop: AbortSignal;
  runStart: number;
  firstIndex?: number;
  onDone?(m: Measurement): void;
}

// µs resolution: sub-millisecond loopback latencies keep 3 significant digits.
const round = (x: number) => Math.round(x * 1000) / 1000;

export async function measureOne(
  client: Client,
  cfg: ClientConfig,
  model: string,
  index: number,
  runStart: number,
  stop: AbortSignal,
): Promise<Measurement> {
  const timeout = AbortSignal.timeout(cfg.timeoutMs);
  const signal = AbortSignal.any([stop, timeout]);
  const t0 = performance.now();
  const base = { index, model, start_ms: round(t0 - runStart) };
  try {
    const r = await client.send(model, signal);
    const latency = performance.now() - t0;
    let tokens = r.usageTokens;
    let source: Measurement['tokens_source'] = 'usage';
    if (tokens === null || tokens === undefined) {
      tokens = countTokens(r.text, { encoding: 'cl100k_base' });
      source = 'counted';
    }
    const decode = r.ttftMs !== null && tokens > 1 && latency > r.ttftMs
      ? (tokens - 1) / ((latency - r.ttftMs) / 1000)
      : null;
    return {
      ...base, ok: true, status: r.status, error: null, error_message: null,
      latency_ms: round(latency),
      ttfb_ms: r.ttfbMs === null ? null : round(r.ttfbMs),
      ttft_ms: r.ttftMs === null ? null : round(r.ttftMs),
      tokens, tokens_source: source,
      tokens_per_sec: latency > 0 ? round(tokens / (latency / 1000)) : null,
      decode_tokens_per_sec: decode === null ? null : round(decode),
    };
  } catch (err) {
    const latency = performance.now() - t0;
    let e = classifyError(err);
    // An abort is a timeout unless the user pressed Ctrl-C.
    if (e.kind === 'interrupted' && !stop.aborted && timeout.aborted) e = Object.assign(e, { kind: 'timeout', message: 'timed out' });
    if (e.kind === 'other' && timeout.aborted && !stop.aborted) e = Object.assign(e, { kind: 'timeout', message: 'timed out' });
    return {
      ...base, ok: false, status: e.status, error: e.kind, error_message: e.message,
      latency_ms: round(latency), ttfb_ms: null, ttft_ms: null, tokens: null, tokens_source: null,
      tokens_per_sec: null, decode_tokens_per_sec: null,
    };
  }
}

/** Measurements in completion order. Returns early (without waiting for in-flight requests) on stop. */
export async function runRequests(o: RunOptions): Promise<Measurement[]> {
  const out: Measurement[] = [];
  let next = 0;
  const first = o.firstIndex ?? 0;
  const worker = async () => {
    while (next < o.count && !o.stop.aborted) {
      const i = next++;
      const m = await measureOne(o.client, o.cfg, o.models[i % o.models.length], first + i, o.runStart, o.stop);
      if (o.stop.aborted && m.error === 'interrupted') return;
      m.concurrency = o.concurrency;
      out.push(m);
      o.onDone?.(m);
    }
  };
  const stopped = new Promise<void>((resolve) => {
    if (o.stop.aborted) resolve();
    else o.stop.addEventListener('abort', () => resolve(), { once: true });
  });
  const workers = Math.max(1, Math.min(o.concurrency, o.count));
  await Promise.race([Promise.all(Array.from({ length: workers }, worker)), stopped]);
  return out;
}
