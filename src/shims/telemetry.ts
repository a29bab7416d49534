import { getConfig, type Config } from '../config';
import { version } from '../cli/version';
import { warnOnce } from '../log';
import {
  clearPriceFile, configureTelemetry, costOf, disableTelemetry, outcomeOf, setScrapeSources, startCall,
  startMetricsServer, tapIteratorMethod, tapStream, telemetryOn, usePriceFile, type CallOutcome, type CallRecord,
  type MetricsServer,
} from '../telemetry';
import type { AnyFn } from './guard';
import { processRouter } from './router';
import { describeLitellm, describeOpenai, servedOf } from './telemetry-describe';
import { apiProviderOf, scrapeSources, watchProcessRouter } from './telemetry-sources';

// Feature `telemetry`: rows that observe litellm's completion()/embedding() and the openai SDK's
// chat.completions.create()/embeddings.create() in place. Each hands the telemetry core a plain
// description of the call and of its answer, and gives the app the very answer the original gave
// (a stream is watched in place; a litellm answer gets its cost as `_hidden_params.response_cost`,
// non-enumerable, as LiteLLM Python's results carry it). Errors are re-thrown unchanged.

type Kind = 'completion' | 'embedding';

let synced: Config['telemetry'] | undefined;
/** The content-capture setting, read once per config (sync()). */
let capturing = false;
let server: { key: string; started: Promise<MetricsServer | undefined> } | undefined;

/** Applies the telemetry settings of the current config (once per config object). */
function sync(): void {
  const cfg = getConfig();
  const t = cfg.telemetry;
  if (t === synced) return;
  synced = t;
  capturing = t.captureContent;
  if (t.priceFile === undefined) clearPriceFile();
  else {
    try {
      usePriceFile(t.priceFile, 'FAST_LITELLM_PRICE_FILE');
    } catch (err) {
      warnOnce(`${(err as Error).message}; the prices loaded before stay`);
    }
  }
  setScrapeSources(scrapeSources);
  if (cfg.features.telemetry.mode === 'off' || (!t.otel && !t.metrics)) {
    disableTelemetry();
    stopServer();
    return;
  }
  configureTelemetry({
    otel: t.otel, metrics: t.metrics, captureContent: t.captureContent, apiKeyLabel: t.apiKeyLabel,
    maxLabelValues: t.maxLabelValues, version: version(),
  });
  if (t.metrics && t.metricsPort !== undefined) listen(t.metricsPort, t.metricsHost);
  else stopServer();
}

function stopServer(): void {
  const s = server;
  server = undefined;
  void s?.started.then((m) => m?.close());
}

function listen(port: number, host: string): void {
  const key = `${host}:${port}`;
  if (server?.key === key) return;
  const previous = server;
  server = { key, started: startMetricsServer({ port, host }).catch((err: Error) => {
    warnOnce(`metrics server not started on ${key} (${err.message})`);
    return undefined;
  }) };
  void previous?.started.then((s) => s?.close());
}

/** The metrics server (FAST_LITELLM_METRICS_PORT), once it listens. */
export function metricsServer(): Promise<MetricsServer | undefined> {
  return server?.started ?? Promise.resolve(undefined);
}

/** removeAcceleration(): the metrics server goes with the rows. */
export async function closeTelemetry(): Promise<void> {
  const s = server;
  server = undefined;
  synced = undefined;
  disableTelemetry();
  await (await s?.started)?.close();
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';

/** A routed deployment's own prices (litellm_params input/output_cost_per_token) win, as in LiteLLM. */
function withDeploymentPrice(o: CallOutcome): void {
  const id = o.served?.modelId;
  if (id === undefined || o.usage === undefined) return;
  const d = processRouter()?.deployment(id);
  if (d?.inputCostPerToken === undefined && d?.outputCostPerToken === undefined) return;
  o.cost = costOf({ input_cost_per_token: d.inputCostPerToken, output_cost_per_token: d.outputCostPerToken }, o.usage);
}

function routedOutcome(o: CallOutcome, from: unknown): void {
  const served = servedOf(from);
  if (served === undefined) return;
  watchProcessRouter();
  o.served = served;
  if (served.deployment !== undefined) o.provider = apiProviderOf(served.deployment);
  withDeploymentPrice(o);
}

/** `_hidden_params.response_cost` on a litellm answer that has room for it (never enumerable). */
function exposeCost(result: unknown, cost: number | undefined): void {
  if (cost === undefined || result === null || typeof result !== 'object' || !Object.isExtensible(result)) return;
  const r = result as { _hidden_params?: unknown };
  try {
    const hp = Object.getOwnPropertyDescriptor(r, '_hidden_params')?.value as Record<string, unknown> | undefined;
    if (hp !== undefined && hp !== null && typeof hp === 'object') {
      if (Object.isExtensible(hp)) hp.response_cost = cost;
    } else if (!('_hidden_params' in r)) {
      Object.defineProperty(r, '_hidden_params',
        { value: { response_cost: cost }, enumerable: false, configurable: true, writable: true });
    }
  } catch {
    // an answer that refuses the property keeps its shape
  }
}

function settle(call: CallRecord, kind: Kind, value: unknown, capture: boolean, layer: 'call' | 'api'): unknown {
  try {
    if (kind === 'completion' && isStream(value)) {
      // The tap outlives nothing it watches: a strong reference from it would keep a dropped stream alive.
      const ref = new WeakRef(value as object);
      const complete = layer === 'call' ? (o: CallOutcome) => routedOutcome(o, ref.deref()) : undefined;
      if (tapStream(value, call, capture, complete)) return value;
    }
    const o = outcomeOf(value, capture);
    if (layer === 'call') routedOutcome(o, value);
    call.succeed(o);
    if (layer === 'call') exposeCost(value, o.cost);
  } catch {
    // the answer is the app's whatever we could read of it
  }
  return value;
}

const isStream = (v: unknown): boolean => v !== null && typeof v === 'object'
  && typeof (v as { next?: unknown }).next === 'function'
  && typeof (v as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';

/**
 * `replace` of litellm's completion()/embedding() rows: the app's call as a whole (outside the rate
 * limits and the router): the span, the call metrics, the cost, and the provider latency. A routed
 * attempt (the router calls the export again, marked) is a child span with the provider latency only.
 */
export function observedLitellm(kind: Kind) {
  return (original: AnyFn): AnyFn => {
    sync();
    return function observed(this: unknown, params: Record<string, unknown>) {
      sync();
      if (!telemetryOn() || params === null || typeof params !== 'object') return original.apply(this, arguments as never);
      const routed = (params as Record<symbol, unknown>)[ROUTED] === true;
      // A routed attempt: the process router exists; its decisions (outcomes, cooldowns) are counted.
      if (routed) watchProcessRouter();
      let call: CallRecord | undefined;
      try {
        call = startCall(describeLitellm(kind, params), routed ? 'attempt' : 'both');
      } catch {
        call = undefined;
      }
      if (call === undefined) return original.apply(this, arguments as never);
      const c = call;
      let result: unknown;
      try {
        if (c.traced) {
          const args = arguments;
          result = c.run(() => original.apply(this, args as never));
        } else {
          result = original.apply(this, arguments as never);
        }
      } catch (err) {
        c.fail(err);
        throw err;
      }
      const layer = routed ? 'api' : 'call';
      const capture = !routed && capturing;
      if (!isThenable(result)) return settle(c, kind, result, capture, layer);
      return result.then((v) => settle(c, kind, v, capture, layer), (err: unknown) => {
        c.fail(err);
        throw err;
      });
    };
  };
}

/** The router's mark on the params of a call it makes (shims/router.ts). */
const ROUTED = Symbol.for('fast-litellm.routed');

type ApiPromiseLike = Promise<unknown> & { responsePromise?: unknown; parseResponse?: unknown };

/** The SDK's own APIPromise: its response and parse steps are own properties we can watch in place. */
function isApiPromise(p: unknown): p is ApiPromiseLike {
  return p instanceof Promise && isThenable((p as ApiPromiseLike).responsePromise)
    && typeof (p as ApiPromiseLike).parseResponse === 'function' && Object.isExtensible(p);
}

function watchStream(c: CallRecord, v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  const own = (k: PropertyKey): boolean => typeof Object.getOwnPropertyDescriptor(v, k)?.value === 'function';
  if (own('iterator')) return tapIteratorMethod(v, 'iterator', c, capturing);
  return tapStream(v, c, capturing);
}

/** `replace` of openai 5-7's `Completions.prototype.create` / `Embeddings.prototype.create`. */
export function observedOpenai(op: 'chat' | 'embeddings') {
  return (original: AnyFn): AnyFn => {
    sync();
    return function create(this: unknown, body: Record<string, unknown>) {
      sync();
      if (!telemetryOn() || body === null || typeof body !== 'object') return original.apply(this, arguments as never);
      const call = startCall(describeOpenai(op, this, body), 'both');
      if (call === undefined) return original.apply(this, arguments as never);
      let p: unknown;
      try {
        if (call.traced) {
          const args = arguments;
          p = call.run(() => original.apply(this, args as never));
        } else {
          p = original.apply(this, arguments as never);
        }
      } catch (err) {
        call.fail(err);
        throw err;
      }
      if (!isApiPromise(p)) {
        // Not the SDK's promise (a stand-in): nothing to watch without changing what the app holds.
        call.succeed({});
        return p;
      }
      try {
        const rp = p.responsePromise as Promise<unknown>;
        const promise = p;
        p.responsePromise = rp.then((props) => {
          // asResponse() alone: nothing asked to parse by the time the response came; the body is the app's.
          if ((promise as { parsedPromise?: unknown }).parsedPromise === undefined) call.succeed({});
          return props;
        }, (err: unknown) => {
          call.fail(err);
          throw err;
        });
        const parse = p.parseResponse as AnyFn;
        p.parseResponse = function (this: unknown) {
          const r = parse.apply(this, arguments as never) as unknown;
          if (!isThenable(r)) return r;
          return r.then((v) => {
            if (!(op === 'chat' && body.stream === true && watchStream(call, v))) call.succeed(outcomeOf(v, capturing));
            return v;
          }, (err: unknown) => {
            call.fail(err);
            throw err;
          });
        };
      } catch {
        call.succeed({});
      }
      return p;
    };
  };
}
