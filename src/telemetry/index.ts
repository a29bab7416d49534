import { invalidArgument } from '../errors';
import { setMetricsRegistry } from './core';
import type { PromRegistry } from './prom-client';
import { callCost } from './prices';
import { usageOf } from './response';

// Public surface of the telemetry core (knows nothing about litellm or openai: it reads OpenAI-format
// answers and plain call descriptions).

export { configureTelemetry, disableTelemetry, setScrapeSources, startCall, telemetryOn, captureContent, spansOn,
  metricsRegistry, CallRecord, routerOutcome, routerCooldown, routerFallback, type TelemetryOptions,
  type StreamEnd } from './core';
export { tapStream, tapIteratorMethod } from './stream-tap';
export { outcomeOf, usageOf } from './response';
export { createMetricsHandler, startMetricsServer, type MetricsHandlerOptions, type MetricsServer } from './handler';
export { usePriceFile, clearPriceFile, registerModelPrices, modelPrice, costOf, priceTableInfo,
  type PriceTableInfo } from './prices';
export { PRICE_TABLE_DATE, type ModelPrice } from './price-table';
export { ALL_METRICS, CALL_METRICS, ROUTER_EVENT_METRICS, SCRAPE_METRICS, OTEL_METRICS, SPAN_ATTRIBUTES, type MetricSpec } from './catalog';
export type { ScrapeSources, RouterSnapshot, DeploymentSnapshot, ScopeRemaining } from './collectors';
export type { CallDescription, CallOutcome, DeploymentRef, RequestParams, Served, Usage, Operation, Layer } from './types';

export interface CompletionCostOptions {
  /** Price this model instead of the answer's `model`. */
  model?: string;
}

/**
 * USD of a chat completion or embeddings answer (OpenAI format, as litellm and the openai SDK return
 * them) from the price table: LiteLLM Python's completion_cost(). A cost the call already recorded
 * (`_hidden_params.response_cost`) is returned as it is. Undefined when the model is not priced.
 */
export function completionCost(response: unknown, options: CompletionCostOptions = {}): number | undefined {
  if (response === null || typeof response !== 'object') {
    invalidArgument('completionCost: response', response, 'a chat completion or embeddings response object');
  }
  if (options === null || typeof options !== 'object') invalidArgument('completionCost: options', options, 'an object');
  if (options.model !== undefined && typeof options.model !== 'string') {
    invalidArgument('completionCost: options.model', options.model, 'a model name');
  }
  const r = response as { model?: unknown; usage?: unknown; _hidden_params?: { response_cost?: unknown } };
  const recorded = r._hidden_params?.response_cost;
  if (options.model === undefined && typeof recorded === 'number') return recorded;
  const usage = usageOf(r.usage);
  if (usage === undefined) return undefined;
  return callCost([options.model ?? (typeof r.model === 'string' ? r.model : undefined)], usage);
}

/** Puts the metrics in the app's prom-client registry (default: prom-client's global `register`). */
export function configureMetrics(options: { registry?: PromRegistry }): void {
  if (options === null || typeof options !== 'object') invalidArgument('configureMetrics: options', options, 'an object');
  const reg = options.registry;
  if (reg !== undefined && (reg === null || typeof (reg as { metrics?: unknown }).metrics !== 'function'
    || typeof (reg as { getSingleMetric?: unknown }).getSingleMetric !== 'function')) {
    invalidArgument('configureMetrics: registry', reg, 'a prom-client Registry');
  }
  setMetricsRegistry(reg);
}
