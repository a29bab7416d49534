// How a request is named and tuned: its route from method and path, and the knobs (latency, pacing,
// faults) it gets from the server's options, its model's overrides and its `x-mock-*` headers.
import type http from 'node:http';

export type MockRoute =
  | 'openai.chat'
  | 'openai.embeddings'
  | 'ollama.generate'
  | 'ollama.embeddings'
  | 'anthropic.complete'
  | 'models'
  | 'health'
  | 'not_found';

/** The knobs a single request can change, through `models` or `x-mock-*` headers. */
export interface PerRequest {
  latencyMs?: number;
  ttftMs?: number;
  tokensPerSec?: number;
  replyTokens?: number;
  chunkTokens?: number;
  /** Force a failure with this status (0 = never fail this request). */
  fail?: number;
  drop?: boolean;
  split?: 'none' | 'lines' | 'utf8';
}

export type Knobs = Required<Omit<PerRequest, 'fail' | 'drop' | 'split' | 'ttftMs'>> & PerRequest;

const HEADER_KNOBS: Array<[string, keyof PerRequest]> = [
  ['x-mock-latency-ms', 'latencyMs'],
  ['x-mock-ttft-ms', 'ttftMs'],
  ['x-mock-tokens-per-sec', 'tokensPerSec'],
  ['x-mock-reply-tokens', 'replyTokens'],
  ['x-mock-chunk-tokens', 'chunkTokens'],
  ['x-mock-fail', 'fail'],
];

export function routeOf(method: string, path: string): MockRoute {
  if (method === 'GET') {
    if (path === '/health' || path === '/') return 'health';
    if (path.endsWith('/models')) return 'models';
    return 'not_found';
  }
  if (method !== 'POST') return 'not_found';
  if (path === '/api/generate') return 'ollama.generate';
  if (path === '/api/embeddings' || path === '/api/embed') return 'ollama.embeddings';
  // Suffix match: /v1/chat/completions, /chat/completions (base URL already ends in /v1), DeepInfra's
  // /v1/openai/chat/completions, and proxies mounted under a prefix.
  if (path.endsWith('/chat/completions')) return 'openai.chat';
  if (path.endsWith('/embeddings')) return 'openai.embeddings';
  if (path.endsWith('/complete')) return 'anthropic.complete';
  return 'not_found';
}

/** Server defaults, then the model's overrides, then the request's headers. */
export function knobsFor(defaults: Knobs, model: PerRequest | undefined, req: http.IncomingMessage): Knobs {
  const k: Knobs = { ...defaults, ...model };
  for (const [h, key] of HEADER_KNOBS) {
    const v = req.headers[h];
    if (typeof v === 'string' && v !== '' && Number.isFinite(Number(v))) (k as unknown as Record<string, unknown>)[key] = Number(v);
  }
  const drop = req.headers['x-mock-drop'];
  if (typeof drop === 'string') k.drop = drop === '1' || drop === 'true';
  const split = req.headers['x-mock-split'];
  if (split === 'none' || split === 'lines' || split === 'utf8') k.split = split;
  return k;
}
