// Every metric the package exports, in one table: the Prometheus registry, `fast-litellm metrics` and the
// README tables are all read from it. LiteLLM's metric and label names are kept where the concept is the
// same (litellm/integrations/prometheus.py, types/integrations/prometheus.py). LiteLLM's Python client
// appends `_total` to a counter's name when it exposes it; prom-client does not, so the counters here
// carry `_total` themselves and a scrape shows the same series names a LiteLLM proxy shows.

export type MetricType = 'counter' | 'histogram' | 'gauge';

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** UCUM-ish unit as the README shows it: 's', 'USD', '{token}', '{request}', '1'. */
  readonly unit: string;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
  /** Where the value comes from (README). */
  readonly source: string;
}

/** LiteLLM's LATENCY_BUCKETS (seconds), without its +Inf (prom-client adds it). */
export const LATENCY_BUCKETS = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 420, 600,
]);

/** prometheus_client's default buckets: LiteLLM's latency-per-output-token histogram uses them. */
const DEFAULT_BUCKETS = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);

/** Labels of a call's metrics (LiteLLM's names); `hashed_api_key` is added only when enabled. */
export const CALL_LABELS = Object.freeze(['model', 'requested_model', 'api_provider', 'model_id']);
export const FAILURE_LABELS = Object.freeze([...CALL_LABELS, 'exception_status', 'exception_class']);
const DEPLOYMENT_LABELS = Object.freeze(['litellm_model_name', 'model_id', 'api_base', 'api_provider']);
const DEPLOYMENT_CALL_LABELS = Object.freeze(['requested_model', ...DEPLOYMENT_LABELS]);

const CALL = 'each litellm completion()/embedding() call and openai SDK request, at its end';
const ROUTER = "the router's counts, read at scrape time";
const DECIDES = 'the router, as it decides (each deployment call, cooldown and fallback)';

export const CALL_METRICS: readonly MetricSpec[] = Object.freeze([
  { name: 'litellm_proxy_total_requests_metric_total', type: 'counter', unit: '{request}',
    labels: [...CALL_LABELS, 'status_code'], source: CALL,
    help: 'Calls made, failed or not (LiteLLM: requests made to the proxy)' },
  { name: 'litellm_proxy_failed_requests_metric_total', type: 'counter', unit: '{request}', labels: FAILURE_LABELS,
    source: CALL, help: 'Calls that ended in an error, by exception status and class' },
  { name: 'litellm_requests_metric_total', type: 'counter', unit: '{request}', labels: CALL_LABELS, source: CALL,
    help: 'Calls made (LiteLLM\'s older name, still emitted by LiteLLM)' },
  { name: 'litellm_input_tokens_metric_total', type: 'counter', unit: '{token}', labels: CALL_LABELS, source: CALL,
    help: 'Input (prompt) tokens, as the answer reports them' },
  { name: 'litellm_output_tokens_metric_total', type: 'counter', unit: '{token}', labels: CALL_LABELS, source: CALL,
    help: 'Output (completion) tokens, as the answer reports them' },
  { name: 'litellm_total_tokens_metric_total', type: 'counter', unit: '{token}', labels: CALL_LABELS, source: CALL,
    help: 'Input + output tokens' },
  { name: 'litellm_spend_metric_total', type: 'counter', unit: 'USD', labels: CALL_LABELS, source: CALL,
    help: 'Spend from the price table (0 for a model it does not price)' },
  { name: 'litellm_request_total_latency_metric', type: 'histogram', unit: 's', labels: CALL_LABELS,
    buckets: LATENCY_BUCKETS, source: CALL,
    help: 'Whole call as the app sees it: rate-limit waits, router retries and fallbacks, the stream to its end' },
  { name: 'litellm_llm_api_latency_metric', type: 'histogram', unit: 's', labels: CALL_LABELS,
    buckets: LATENCY_BUCKETS, source: 'each unrouted call, each routed attempt, each openai SDK request',
    help: 'One call to the provider, from the request to the end of the answer or stream' },
  { name: 'litellm_llm_api_time_to_first_token_metric', type: 'histogram', unit: 's', labels: CALL_LABELS,
    buckets: LATENCY_BUCKETS, source: 'streamed calls, as litellm_llm_api_latency_metric',
    help: 'From the request to the first streamed chunk' },
  { name: 'litellm_deployment_latency_per_output_token', type: 'histogram', unit: 's',
    labels: DEPLOYMENT_LABELS, buckets: DEFAULT_BUCKETS, source: 'routed calls that report output tokens',
    help: 'Latency of a routed call divided by its output tokens' },
  { name: 'litellm_deployment_successful_fallbacks_total', type: 'counter', unit: '{request}',
    labels: ['requested_model', 'fallback_model'], source: 'routed calls answered by a fallback group',
    help: 'Calls a fallback group answered after the requested group failed' },
]);

/** Counted as the process router decides (its observer): deployment outcomes, cooldowns, fallbacks. */
export const ROUTER_EVENT_METRICS: readonly MetricSpec[] = Object.freeze([
  { name: 'litellm_deployment_total_requests_total', type: 'counter', unit: '{request}',
    labels: DEPLOYMENT_CALL_LABELS, source: DECIDES, help: 'Calls the router made to each deployment' },
  { name: 'litellm_deployment_success_responses_total', type: 'counter', unit: '{request}',
    labels: DEPLOYMENT_CALL_LABELS, source: DECIDES, help: 'Deployment calls that succeeded' },
  { name: 'litellm_deployment_failure_responses_total', type: 'counter', unit: '{request}',
    labels: [...DEPLOYMENT_CALL_LABELS, 'exception_status', 'exception_class'], source: DECIDES,
    help: 'Deployment calls that failed, by exception status and class' },
  { name: 'litellm_deployment_cooled_down_total', type: 'counter', unit: '{event}', labels: DEPLOYMENT_LABELS,
    source: DECIDES, help: 'Times the router put a deployment in cooldown' },
  { name: 'litellm_deployment_failed_fallbacks_total', type: 'counter', unit: '{request}',
    labels: ['requested_model', 'fallback_model'], source: DECIDES,
    help: 'Fallbacks to a group that failed too (each fallback group tried)' },
]);

export const SCRAPE_METRICS: readonly MetricSpec[] = Object.freeze([
  { name: 'litellm_deployment_state', type: 'gauge', unit: '1', labels: DEPLOYMENT_LABELS,
    source: "the router's deployments and cooldowns, read at scrape time, and its last outcome of each",
    help: '0 healthy, 1 partial outage (its last call failed), 2 complete outage (cooling down)' },
  { name: 'litellm_deployment_rpm_limit', type: 'gauge', unit: '{request}/min', labels: DEPLOYMENT_LABELS,
    source: 'the model_list', help: "A deployment's rpm from the config" },
  { name: 'litellm_deployment_tpm_limit', type: 'gauge', unit: '{token}/min', labels: DEPLOYMENT_LABELS,
    source: 'the model_list', help: "A deployment's tpm from the config" },
  { name: 'fast_litellm_router_calls_total', type: 'counter', unit: '{request}', labels: ['outcome'],
    source: ROUTER, help: 'Routed calls by outcome (success, failure), retries and fallbacks taken' },
  { name: 'fast_litellm_rate_limit_denials_total', type: 'counter', unit: '{request}',
    labels: ['scope', 'limit_type', 'model'], source: 'each RateLimitError the shim\'s limits throw',
    help: 'Calls the rate limits refused (scope: model_per_key, model, api_key)' },
  { name: 'fast_litellm_rate_limit_remaining_requests', type: 'gauge', unit: '{request}',
    labels: ['scope', 'model'], source: 'the last check of each scope and model (admitted or refused)',
    help: 'Requests left in the window after the scope last checked a call' },
  { name: 'fast_litellm_rate_limit_remaining_tokens', type: 'gauge', unit: '{token}', labels: ['scope', 'model'],
    source: 'the last check of each scope and model (admitted or refused)',
    help: 'Tokens left in the window after the scope last checked a call' },
  { name: 'fast_litellm_calls_total', type: 'counter', unit: '{call}', labels: ['component', 'path'],
    source: 'getPerformanceStats()', help: 'Patched calls by path: accelerated, original (fallbacks included)' },
  { name: 'fast_litellm_fallbacks_total', type: 'counter', unit: '{call}', labels: ['component'],
    source: 'getPerformanceStats()', help: 'Accelerated calls that failed on our side and ran the original' },
  { name: 'fast_litellm_feature_enabled', type: 'gauge', unit: '1', labels: ['feature'],
    source: 'getFeatureStatus()', help: '1 when the feature serves calls (on, shadow or rollout), 0 when off' },
  { name: 'fast_litellm_feature_auto_disabled', type: 'gauge', unit: '1', labels: ['feature'],
    source: 'getFeatureStatus()', help: '1 when the feature turned itself off after errors' },
  { name: 'fast_litellm_token_cache_hits_total', type: 'counter', unit: '{lookup}', labels: [],
    source: 'getTokenCacheStats()', help: 'Token counts answered by the memo' },
  { name: 'fast_litellm_token_cache_misses_total', type: 'counter', unit: '{lookup}', labels: [],
    source: 'getTokenCacheStats()', help: 'Token counts the memo did not hold' },
  { name: 'fast_litellm_token_cache_bytes', type: 'gauge', unit: 'By', labels: [],
    source: 'getTokenCacheStats()', help: 'Bytes the memo holds' },
  { name: 'fast_litellm_pool_sockets', type: 'gauge', unit: '{socket}', labels: ['origin', 'state'],
    source: 'getPoolStats()', help: 'Pooled sockets by state: open (busy + idle), idle' },
  { name: 'fast_litellm_pool_requests_total', type: 'counter', unit: '{request}', labels: ['origin'],
    source: 'getPoolStats()', help: 'Requests sent over the pooled transport' },
  { name: 'fast_litellm_pool_connects_total', type: 'counter', unit: '{socket}', labels: ['origin'],
    source: 'getPoolStats()', help: 'Sockets the pools opened' },
]);

export const ALL_METRICS: readonly MetricSpec[] = Object.freeze([...CALL_METRICS, ...ROUTER_EVENT_METRICS,
  ...SCRAPE_METRICS]);

/** The OpenTelemetry instruments (GenAI conventions, v1.41.0 names). */
export const OTEL_METRICS: readonly { name: string; unit: string; help: string }[] = Object.freeze([
  { name: 'gen_ai.client.operation.duration', unit: 's', help: 'Whole operation, errors included (histogram)' },
  { name: 'gen_ai.client.token.usage', unit: '{token}',
    help: 'Input and output tokens by gen_ai.token.type (histogram)' },
  { name: 'gen_ai.client.operation.time_to_first_chunk', unit: 's',
    help: 'Streamed calls: request to first chunk (histogram)' },
]);

/** Span (and, marked *, metric) attributes: no prompt, reply or key unless content capture is on. */
export const SPAN_ATTRIBUTES: readonly { name: string; unit: string; help: string }[] = Object.freeze([
  { name: 'gen_ai.operation.name*', unit: '', help: '`chat` or `embeddings`' },
  { name: 'gen_ai.provider.name*', unit: '', help: 'openai, anthropic, mistral_ai, ollama, cohere, ...; the ' +
    "deployment's for a routed call; `litellm` for a router group until it is known" },
  { name: 'gen_ai.request.model*', unit: '', help: 'the model (or router group) the call names' },
  { name: 'gen_ai.response.model*', unit: '', help: 'the model the answer names' },
  { name: 'server.address*', unit: '', help: 'host of the base URL the call goes to' },
  { name: 'server.port*', unit: '', help: 'its port' },
  { name: 'error.type*', unit: '', help: "the error's class (RateLimitError, APIUserAbortError), else its HTTP status" },
  { name: 'gen_ai.response.id', unit: '', help: "the answer's id" },
  { name: 'gen_ai.response.finish_reasons', unit: '', help: 'per choice' },
  { name: 'gen_ai.usage.input_tokens', unit: '{token}', help: 'as the answer reports them' },
  { name: 'gen_ai.usage.output_tokens', unit: '{token}', help: 'as the answer reports them' },
  { name: 'gen_ai.usage.cache_read.input_tokens', unit: '{token}', help: 'cached prompt tokens, when reported' },
  { name: 'gen_ai.request.max_tokens', unit: '{token}', help: 'and temperature, top_p, frequency_penalty, ' +
    'presence_penalty, stop_sequences, seed, choice.count, encoding_formats when the call sets them' },
  { name: 'gen_ai.response.time_to_first_chunk', unit: 's', help: 'streams' },
  { name: 'fast_litellm.stream.end', unit: '', help: 'streams: `complete`, `returned` (the app stopped), ' +
    '`abandoned` (dropped unfinished and collected; the span ends at its last chunk)' },
  { name: 'fast_litellm.response_cost', unit: 'USD', help: 'from the price table' },
  { name: 'fast_litellm.model_id', unit: '', help: 'routed calls: the deployment id (also model_group, ' +
    'attempted_fallbacks)' },
  { name: 'gen_ai.input.messages', unit: '', help: 'only with FAST_LITELLM_OTEL_CAPTURE_CONTENT: the messages, ' +
    'as the conventions\' JSON' },
  { name: 'gen_ai.output.messages', unit: '', help: 'only with FAST_LITELLM_OTEL_CAPTURE_CONTENT: the reply' },
]);
