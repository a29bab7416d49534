// Embedded mock LLM server: plain node:http on loopback, speaking the wire formats litellm 0.12's
// handlers use (OpenAI-compatible chat/embeddings, Ollama generate/embeddings, Anthropic /v1/complete).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { invalidMessage } from '../errors';
import { MockOptionError, resolveOptions, type MockServerOptions, type ResolvedOptions } from './options';
import { embeddingBase64, estimateTokens, makeEmbedding, makeReply, mulberry32 } from './content';
import * as fmt from './formats';
import { writeStream } from './writer';

export type MockRoute =
  | 'openai.chat'
  | 'openai.embeddings'
  | 'ollama.generate'
  | 'ollama.embeddings'
  | 'anthropic.complete'
  | 'models'
  | 'health'
  | 'not_found';

export interface MockRequestInfo {
  route: MockRoute;
  method: string;
  path: string;
  /** Parsed JSON body (undefined when there is none). */
  body: unknown;
  stream: boolean;
}

export interface MockStats {
  requests: number;
  byRoute: Partial<Record<MockRoute, number>>;
  streamed: number;
  /** Responses the server finished (or dropped) by now. */
  completed: number;
  failed: number;
  dropped: number;
  /** Requests whose client went away before the response ended. */
  aborted: number;
  connectionsOpened: number;
  connectionsActive: number;
  inFlight: number;
}

export interface MockServer {
  url: string;
  port: number;
  close(): Promise<void>;
  stats(): MockStats;
  resetStats(): void;
}

export interface StartMockServerOptions extends MockServerOptions {
  /** Per-model overrides (e.g. `{ 'slow-model': { latencyMs: 200 } }`), handy for comparisons. */
  models?: Record<string, PerRequest>;
  /** Called for every request after its body is parsed (tests look at what a client sent). */
  onRequest?: (info: MockRequestInfo) => void;
}

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

const HEADER_KNOBS: Array<[string, keyof PerRequest]> = [
  ['x-mock-latency-ms', 'latencyMs'],
  ['x-mock-ttft-ms', 'ttftMs'],
  ['x-mock-tokens-per-sec', 'tokensPerSec'],
  ['x-mock-reply-tokens', 'replyTokens'],
  ['x-mock-chunk-tokens', 'chunkTokens'],
  ['x-mock-fail', 'fail'],
];

const JSON_HEADERS = { 'content-type': 'application/json' } as const;
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } as const;
const NDJSON_HEADERS = { 'content-type': 'application/x-ndjson' } as const;

function routeOf(method: string, path: string): MockRoute {
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

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let s = '';
    for (const part of content) if (part && typeof part === 'object' && typeof part.text === 'string') s += part.text;
    return s;
  }
  return '';
}

function groupTokens(tokens: string[], size: number): string[] {
  if (size <= 1) return tokens;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += size) out.push(tokens.slice(i, i + size).join(''));
  return out;
}

function freshStats(): MockStats {
  return {
    requests: 0, byRoute: {}, streamed: 0, completed: 0, failed: 0, dropped: 0, aborted: 0,
    connectionsOpened: 0, connectionsActive: 0, inFlight: 0,
  };
}

export async function startMockServer(options: StartMockServerOptions = {}): Promise<MockServer> {
  const { models, onRequest, ...rest } = options;
  const o: ResolvedOptions = resolveOptions(rest);
  if (models !== undefined && (models === null || typeof models !== 'object')) {
    throw new MockOptionError(invalidMessage('startMockServer: models', models, 'an object of per-model overrides'));
  }
  if (onRequest !== undefined && typeof onRequest !== 'function') {
    throw new MockOptionError(invalidMessage('startMockServer: onRequest', onRequest, 'a function'));
  }
  const dice = mulberry32(o.seed ^ 0x9e3779b9);
  let stats = freshStats();
  let seq = 0;
  const sockets = new Set<Socket>();

  const knobs = (req: http.IncomingMessage, model: string): Required<Omit<PerRequest, 'fail' | 'drop' | 'split' | 'ttftMs'>> & PerRequest => {
    const k: PerRequest & Record<string, unknown> = {
      latencyMs: o.latencyMs, ttftMs: o.ttftMs, tokensPerSec: o.tokensPerSec, replyTokens: o.replyTokens, chunkTokens: o.chunkTokens,
    };
    const m = models?.[model];
    if (m) Object.assign(k, m);
    for (const [h, key] of HEADER_KNOBS) {
      const v = req.headers[h];
      if (typeof v === 'string' && v !== '' && Number.isFinite(Number(v))) (k as Record<string, unknown>)[key] = Number(v);
    }
    const drop = req.headers['x-mock-drop'];
    if (typeof drop === 'string') k.drop = drop === '1' || drop === 'true';
    const split = req.headers['x-mock-split'];
    if (split === 'none' || split === 'lines' || split === 'utf8') k.split = split;
    return k as ReturnType<typeof knobs>;
  };

  const respond = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = JSON_HEADERS) => {
    if (res.destroyed) return;
    res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const route = routeOf(req.method ?? 'GET', path);
    stats.requests++;
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
    stats.inFlight++;
    let dropFlag = false;
    res.once('close', () => {
      stats.inFlight--;
      stats.completed++;
      if (!res.writableFinished) {
        if (dropFlag) stats.dropped++;
        else stats.aborted++;
      }
    });

    if (route === 'health') return respond(res, 200, '{"status":"ok"}');
    if (route === 'models') return respond(res, 200, `{"object":"list","data":[{"id":"mock-model","object":"model","created":0,"owned_by":"fast-litellm"}]}`);
    let body: any;
    try {
      body = raw === '' ? {} : JSON.parse(raw);
    } catch {
      return respond(res, 400, fmt.openaiError(400, 'request body is not valid JSON'));
    }
    if (body === null || typeof body !== 'object') body = {};
    if (route === 'not_found') return respond(res, 404, fmt.openaiError(404, `no mock route for ${req.method} ${path}`));

    const model = typeof body.model === 'string' ? body.model : 'mock-model';
    // Ollama streams unless told `stream: false` (litellm 0.12 never sends the field).
    const stream = route === 'ollama.generate' ? body.stream !== false : body.stream === true;
    if (stream) stats.streamed++;
    onRequest?.({ route, method: req.method ?? 'POST', path, body, stream });
    const k = knobs(req, model);
    const id = `mock-${o.seed}-${++seq}`;

    // Fault dice are rolled in arrival order from the seed, so a run is repeatable.
    const failRoll = dice();
    const dropRoll = dice();
    const failStatus = k.fail !== undefined ? k.fail : failRoll < o.failRate ? o.failStatus : 0;
    dropFlag = k.drop !== undefined ? k.drop : dropRoll < o.dropRate;

    if (failStatus >= 400) {
      stats.failed++;
      const headers: Record<string, string> = { ...JSON_HEADERS };
      if (failStatus === 429) headers['retry-after'] = String(o.retryAfterSec);
      if (o.shouldRetry !== undefined) headers['x-should-retry'] = String(o.shouldRetry);
      const message = `mock injected ${failStatus}`;
      const text = route.startsWith('ollama') ? fmt.ollamaError(message)
        : route === 'anthropic.complete' ? fmt.anthropicError(failStatus, message) : fmt.openaiError(failStatus, message);
      return later(k.latencyMs, () => respond(res, failStatus, text, headers));
    }

    if (route === 'openai.embeddings' || route === 'ollama.embeddings') {
      const inputs: string[] = route === 'ollama.embeddings'
        ? [String(body.prompt ?? body.input ?? '')]
        : Array.isArray(body.input) ? body.input.map((x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x))) : [String(body.input ?? '')];
      const vectors = inputs.map((t) => makeEmbedding(o.seed, t, o.embeddingDims));
      let text: string;
      if (route === 'ollama.embeddings') text = fmt.ollamaEmbedding(vectors[0]);
      else {
        const b64 = body.encoding_format === 'base64';
        text = fmt.openaiEmbeddings(model, b64 ? vectors.map(embeddingBase64) : vectors, inputs.reduce((a, t) => a + estimateTokens(t), 0));
      }
      return later(k.latencyMs, () => (dropFlag ? dropBody(res, text) : respond(res, 200, text)));
    }

    // Text generation routes.
    let prompt: string;
    let limit: number | undefined;
    if (route === 'openai.chat') {
      prompt = '';
      const msgs = Array.isArray(body.messages) ? body.messages : [];
      for (const m of msgs) prompt += textOf(m?.content);
      limit = body.max_tokens ?? body.max_completion_tokens;
    } else if (route === 'ollama.generate') {
      prompt = typeof body.prompt === 'string' ? body.prompt : '';
      limit = body.options?.num_predict;
    } else {
      prompt = typeof body.prompt === 'string' ? body.prompt : '';
      limit = body.max_tokens_to_sample;
    }
    const capped = typeof limit === 'number' && limit >= 0 && limit < k.replyTokens;
    const count = capped ? (limit as number) : k.replyTokens;
    const finishReason: fmt.FinishReason = capped ? 'length' : 'stop';
    const reply = makeReply(o.seed, model, prompt, count, o.unicode || o.splitUtf8 || k.split === 'utf8');
    const usage: fmt.Usage = { promptTokens: estimateTokens(prompt), completionTokens: count };
    const created = Math.floor(Date.now() / 1000);
    const genMs = k.tokensPerSec > 0 ? (count / k.tokensPerSec) * 1000 : 0;

    if (!stream) {
      const text = route === 'openai.chat' ? fmt.openaiChat(id, created, model, reply.text, finishReason, usage)
        : route === 'ollama.generate' ? fmt.ollamaGenerate(model, new Date().toISOString(), reply.text, finishReason, usage, Math.round(genMs * 1e6))
          : fmt.anthropicComplete(id, model, reply.text, finishReason);
      return later(k.latencyMs + genMs, () => (dropFlag ? dropBody(res, text) : respond(res, 200, text)));
    }

    const chunkTokens = Math.max(1, k.chunkTokens);
    const groups = groupTokens(reply.tokens, chunkTokens);
    let events: string[];
    let headers: Record<string, string>;
    let lead = 0; // events sent before the first content event (OpenAI's role delta)
    let trail = 1;
    if (route === 'openai.chat') {
      const includeUsage = body.stream_options?.include_usage === true;
      events = fmt.openaiChatEvents(id, created, model, groups, finishReason, usage, includeUsage);
      headers = SSE_HEADERS;
      lead = 1;
      trail = includeUsage ? 3 : 2;
    } else if (route === 'ollama.generate') {
      events = fmt.ollamaGenerateLines(model, new Date().toISOString(), groups, finishReason, usage, Math.round(genMs * 1e6));
      headers = NDJSON_HEADERS;
    } else {
      events = fmt.anthropicEvents(id, model, groups, finishReason);
      headers = SSE_HEADERS;
    }
    // Tick 0 carries the lead events and the first content; the closing events ride on the last tick.
    const ticks: string[][] = [];
    const content = events.slice(lead, events.length - trail);
    if (content.length === 0) ticks.push(events);
    else {
      content.forEach((e, i) => ticks.push(i === 0 ? [...events.slice(0, lead), e] : [e]));
      ticks[ticks.length - 1].push(...events.slice(events.length - trail));
    }
    const split = k.split ?? (o.splitUtf8 ? 'utf8' : o.splitLines ? 'lines' : 'none');
    writeStream(res, {
      ticks,
      firstDelayMs: k.ttftMs ?? k.latencyMs,
      intervalMs: k.tokensPerSec > 0 ? (chunkTokens / k.tokensPerSec) * 1000 : 0,
      split,
      drop: dropFlag,
      headers,
    });
  };

  const server = http.createServer({ keepAliveTimeout: o.keepAliveTimeoutMs }, (req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => handle(req, res, raw));
  });
  server.keepAliveTimeout = o.keepAliveTimeoutMs;
  server.headersTimeout = Math.max(o.keepAliveTimeoutMs + 1000, 60_000);
  server.on('connection', (socket: Socket) => {
    stats.connectionsOpened++;
    stats.connectionsActive++;
    sockets.add(socket);
    socket.setNoDelay(true);
    if (!o.ref) socket.unref();
    socket.once('close', () => {
      stats.connectionsActive--;
      sockets.delete(socket);
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (!o.ref) server.unref();
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    stats: () => ({ ...stats, byRoute: { ...stats.byRoute } }),
    resetStats: () => {
      const keep = { connectionsActive: stats.connectionsActive, inFlight: stats.inFlight };
      stats = { ...freshStats(), ...keep };
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

function later(ms: number, fn: () => void): void {
  if (ms > 0) setTimeout(fn, ms).unref();
  else fn();
}

/**
 * Send half the body chunked, then cut the connection. Chunked, because node-fetch 2 (under openai v4)
 * only detects a premature close on chunked bodies: a cut content-length body leaves it waiting forever.
 */
function dropBody(res: http.ServerResponse, text: string): void {
  if (res.destroyed) return;
  const buf = Buffer.from(text);
  res.writeHead(200, JSON_HEADERS);
  res.write(buf.subarray(0, buf.length >> 1));
  setImmediate(() => res.socket?.destroy());
}
