import { getConfig } from '../config';
import { createPooledFetch, DispatcherRegistry, SseDecoder, type FetchLike } from '../accelerators/pool';
import type { Deployment } from '../accelerators/router';
import { isEnabled } from './features';

// How the router calls a deployment: through litellm's own completion()/embedding() when litellm
// is there, else (and for what litellm cannot reach: an OpenAI-compatible model litellm has no
// handler for, an embedding deployment with an api_base) straight over the pooled HTTP transport.

export type Kind = 'completion' | 'embedding';
type AnyFn = (params: Record<string, unknown>) => Promise<unknown>;

/** litellm_params that steer the router, never sent to a provider. */
const ROUTER_ONLY = new Set(['model', 'api_key', 'api_base', 'rpm', 'tpm', 'weight', 'order', 'max_parallel_requests',
  'timeout', 'stream_timeout', 'request_timeout', 'cooldown_time', 'input_cost_per_token', 'output_cost_per_token',
  'max_input_tokens', 'num_retries', 'max_retries', 'custom_llm_provider', 'api_version', 'tags', 'use_in_pass_through',
  'litellm_credential_name', 'mock_response', 'organization', 'model_info']);

const own = new WeakMap<Deployment, Record<string, unknown>>();

/** The deployment's own call parameters (temperature, max_tokens...) under the request's, which win. */
export function callParams(d: Deployment, request: Record<string, unknown>, model: string): Record<string, unknown> {
  let mine = own.get(d);
  if (mine === undefined) {
    mine = {};
    for (const [k, v] of Object.entries(d.litellmParams)) {
      if (!ROUTER_ONLY.has(k) && v !== null && v !== undefined) mine[k] = v;
    }
    own.set(d, mine);
  }
  const out: Record<string, unknown> = { ...mine, ...request };
  out.model = model;
  return out;
}

/** Request credentials win over the deployment's (LiteLLM's client-side credentials). */
function credential(request: Record<string, unknown>, key: string, value: unknown): string | undefined {
  const r = request[key];
  if (typeof r === 'string' && r !== '') return r;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

let registry: DispatcherRegistry | undefined;
let pooledFetch: FetchLike | undefined;

function transport(): FetchLike {
  const native = globalThis.fetch as FetchLike;
  if (!isEnabled('connection_pooling')) return native;
  if (pooledFetch === undefined) {
    const c = getConfig().pool;
    registry = new DispatcherRegistry({ connections: c.maxConnections, keepAliveTimeout: c.keepAliveTimeoutMs });
    pooledFetch = createPooledFetch({ registry, fallback: native });
  }
  return pooledFetch;
}

export async function closeTransport(): Promise<void> {
  const r = registry;
  registry = undefined;
  pooledFetch = undefined;
  await r?.close();
}

/** An error as the openai SDK reports one: status, headers, the provider's message. */
function httpError(status: number, headers: { get(n: string): string | null }, body: string): Error {
  let message = body.slice(0, 500);
  let code: unknown;
  try {
    const j = JSON.parse(body) as { error?: { message?: unknown; code?: unknown } };
    if (typeof j.error?.message === 'string') message = j.error.message;
    code = j.error?.code;
  } catch {
    // not JSON: the text itself
  }
  const hs: Record<string, string> = {};
  for (const n of ['retry-after', 'retry-after-ms', 'x-request-id']) {
    const v = headers.get(n);
    if (v !== null) hs[n] = v;
  }
  return Object.assign(new Error(`${status} ${message}`), { status, headers: hs, code, error: { message, code } });
}

type Chunk = { model?: string; created?: number; choices?: Record<string, unknown>[]; usage?: unknown };

/** An OpenAI-compatible stream as litellm shapes it: { model, created, choices: [{ delta, index, finish_reason }] }. */
async function* chunks(body: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  const dec = new SseDecoder();
  const parse = function* (msgs: { data: string }[]): Generator<unknown> {
    for (const m of msgs) {
      if (m.data === '[DONE]') return;
      const c = JSON.parse(m.data) as Chunk;
      const choices = (c.choices ?? []).map((ch) => ({
        delta: ch.delta, index: ch.index, finish_reason: ch.finish_reason,
      }));
      const out: Record<string, unknown> = { model: c.model, created: c.created, choices };
      if (c.usage) out.usage = c.usage;
      yield out;
    }
  };
  for await (const piece of body) yield* parse(dec.push(piece));
  yield* parse(dec.flush());
}

/** POST {api_base}/chat/completions or /embeddings over the pooled transport. */
export function openaiCall(kind: Kind) {
  return async (d: Deployment, request: Record<string, unknown>, model: string, signal: AbortSignal):
    Promise<unknown> => {
    const given = credential(request, 'baseUrl', d.litellmParams.api_base) ?? 'https://api.openai.com/v1';
    const base = given.replace(/\/+$/, '');
    const key = credential(request, 'apiKey', d.litellmParams.api_key);
    const body = callParams(d, request, model);
    delete body.baseUrl;
    delete body.apiKey;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key !== undefined) headers.authorization = `Bearer ${key}`;
    const url = `${base}/${kind === 'completion' ? 'chat/completions' : 'embeddings'}`;
    const res = await transport()(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
    if (!res.ok) throw httpError(res.status, res.headers, await res.text());
    if (kind === 'completion' && body.stream === true) return chunks(res.body as AsyncIterable<Uint8Array>);
    return res.json();
  };
}

/** Names the routed litellm path takes: api_key/api_base become litellm's apiKey/baseUrl. */
export function litellmCall(kind: Kind, fn: () => AnyFn) {
  return (d: Deployment, request: Record<string, unknown>, model: string): Promise<unknown> => {
    const p = callParams(d, request, model);
    const key = credential(request, 'apiKey', d.litellmParams.api_key);
    const base = credential(request, 'baseUrl', d.litellmParams.api_base);
    if (key !== undefined) p.apiKey = key;
    if (base !== undefined && kind === 'completion') p.baseUrl = base;
    return fn()(p);
  };
}
