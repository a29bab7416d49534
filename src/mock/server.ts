// Embedded mock LLM server: plain node:http on loopback, speaking the wire formats litellm 0.12's
// handlers use (OpenAI-compatible chat/embeddings, Ollama generate/embeddings, Anthropic /v1/complete).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { invalidMessage } from '../errors';
import { embeddingBase64, estimateTokens, makeEmbedding, makeReply, mulberry32 } from './content';
import { DIALECTS, JSON_HEADERS, type TextRoute, errorBody, ticksOf } from './dialects';
import * as fmt from './formats';
import { MockOptionError, resolveOptions, type MockServerOptions, type ResolvedOptions } from './options';
import { type Knobs, type MockRoute, type PerRequest, knobsFor, routeOf } from './requests';
import { writeStream } from './writer';

export type { MockRoute, PerRequest } from './requests';

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

type Body = Record<string, unknown>;

function respond(
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = JSON_HEADERS,
): void {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function parseBody(raw: string): Body | undefined {
  let body: unknown;
  try {
    body = raw === '' ? {} : JSON.parse(raw);
  } catch {
    return undefined;
  }
  return body !== null && typeof body === 'object' ? (body as Body) : {};
}

function embeddingsText(route: MockRoute, body: Body, model: string, o: ResolvedOptions): string {
  const inputs: string[] = route === 'ollama.embeddings'
    ? [String(body.prompt ?? body.input ?? '')]
    : Array.isArray(body.input) ? body.input.map((x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x))) : [String(body.input ?? '')];
  const vectors = inputs.map((t) => makeEmbedding(o.seed, t, o.embeddingDims));
  if (route === 'ollama.embeddings') return fmt.ollamaEmbedding(vectors[0]);
  const tokens = inputs.reduce((a, t) => a + estimateTokens(t), 0);
  return fmt.openaiEmbeddings(model, body.encoding_format === 'base64' ? vectors.map(embeddingBase64) : vectors, tokens);
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
  const defaults: Knobs = {
    latencyMs: o.latencyMs, ttftMs: o.ttftMs, tokensPerSec: o.tokensPerSec,
    replyTokens: o.replyTokens, chunkTokens: o.chunkTokens,
  };
  let stats = freshStats();
  let seq = 0;
  const sockets = new Set<Socket>();

  const count = (route: MockRoute, res: http.ServerResponse, dropped: () => boolean): void => {
    stats.requests++;
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
    stats.inFlight++;
    res.once('close', () => {
      stats.inFlight--;
      stats.completed++;
      if (!res.writableFinished) {
        if (dropped()) stats.dropped++;
        else stats.aborted++;
      }
    });
  };

  const generate = (
    route: TextRoute,
    res: http.ServerResponse,
    body: Body,
    model: string,
    k: Knobs,
    stream: boolean,
    drop: boolean,
  ) => {
    const dialect = DIALECTS[route];
    const prompt = dialect.prompt(body);
    const limit = dialect.limit(body);
    const capped = typeof limit === 'number' && limit >= 0 && limit < k.replyTokens;
    const n = capped ? limit : k.replyTokens;
    const reply = makeReply(o.seed, model, prompt, n, o.unicode || o.splitUtf8 || k.split === 'utf8');
    const genMs = k.tokensPerSec > 0 ? (n / k.tokensPerSec) * 1000 : 0;
    const chunkTokens = Math.max(1, k.chunkTokens);
    const answer = {
      id: `mock-${o.seed}-${++seq}`, created: Math.floor(Date.now() / 1000), model, text: reply.text,
      groups: groupTokens(reply.tokens, chunkTokens), finish: (capped ? 'length' : 'stop') as fmt.FinishReason,
      usage: { promptTokens: estimateTokens(prompt), completionTokens: n }, genNs: Math.round(genMs * 1e6), body,
    };
    if (!stream) {
      const text = dialect.whole(answer);
      return later(k.latencyMs + genMs, () => (drop ? dropBody(res, text) : respond(res, 200, text)));
    }
    const s = dialect.stream(answer);
    writeStream(res, {
      ticks: ticksOf(s),
      firstDelayMs: k.ttftMs ?? k.latencyMs,
      intervalMs: k.tokensPerSec > 0 ? (chunkTokens / k.tokensPerSec) * 1000 : 0,
      split: k.split ?? (o.splitUtf8 ? 'utf8' : o.splitLines ? 'lines' : 'none'),
      drop,
      headers: s.headers,
    });
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const route = routeOf(req.method ?? 'GET', path);
    let drop = false;
    count(route, res, () => drop);
    if (route === 'health') return respond(res, 200, '{"status":"ok"}');
    if (route === 'models') {
      return respond(res, 200, '{"object":"list","data":[{"id":"mock-model","object":"model","created":0,"owned_by":"fast-litellm"}]}');
    }
    const body = parseBody(raw);
    if (body === undefined) return respond(res, 400, fmt.openaiError(400, 'request body is not valid JSON'));
    if (route === 'not_found') return respond(res, 404, fmt.openaiError(404, `no mock route for ${req.method} ${path}`));

    const model = typeof body.model === 'string' ? body.model : 'mock-model';
    // Ollama streams unless told `stream: false` (litellm 0.12 never sends the field).
    const stream = route === 'ollama.generate' ? body.stream !== false : body.stream === true;
    if (stream) stats.streamed++;
    onRequest?.({ route, method: req.method ?? 'POST', path, body, stream });
    const k = knobsFor(defaults, models?.[model], req);

    // Fault dice are rolled in arrival order from the seed, so a run is repeatable.
    const failRoll = dice();
    const dropRoll = dice();
    const failStatus = k.fail !== undefined ? k.fail : failRoll < o.failRate ? o.failStatus : 0;
    drop = k.drop !== undefined ? k.drop : dropRoll < o.dropRate;
    if (failStatus >= 400) {
      stats.failed++;
      const headers: Record<string, string> = { ...JSON_HEADERS };
      if (failStatus === 429) headers['retry-after'] = String(o.retryAfterSec);
      if (o.shouldRetry !== undefined) headers['x-should-retry'] = String(o.shouldRetry);
      const text = errorBody(route, failStatus, `mock injected ${failStatus}`);
      return later(k.latencyMs, () => respond(res, failStatus, text, headers));
    }
    if (route === 'openai.embeddings' || route === 'ollama.embeddings') {
      const text = embeddingsText(route, body, model, o);
      return later(k.latencyMs, () => (drop ? dropBody(res, text) : respond(res, 200, text)));
    }
    generate(route, res, body, model, k, stream, drop);
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
