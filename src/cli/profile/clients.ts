// One request to a gateway through the client path a user picks (--via http|openai|litellm), timed:
// total latency, time to first byte (headers), time to first token (streams), tokens and tokens/s.
import { createRequire } from 'node:module';
import { Agent, request } from 'undici';
import { redirectAnthropicSdk } from '../../mock/redirect';

export type Via = 'http' | 'openai' | 'litellm';
export type ErrorKind =
  | 'timeout'
  | 'rate_limited'
  | 'server_error'
  | 'client_error'
  | 'connection_refused'
  | 'connection_error'
  | 'interrupted'
  | 'other';
export type TokensSource = 'usage' | 'counted';

export interface Measurement {
  index: number;
  model: string;
  ok: boolean;
  status: number | null;
  error: ErrorKind | null;
  /** Short error text (never a key or message content). */
  error_message: string | null;
  /** Request start, ms after the run started. */
  start_ms: number;
  latency_ms: number;
  ttfb_ms: number | null;
  ttft_ms: number | null;
  tokens: number | null;
  tokens_source: TokensSource | null;
  /** tokens / total latency (what the Python profiling scripts report). */
  tokens_per_sec: number | null;
  /** Streams: (tokens - 1) / (latency - ttft), the generation rate after the first token. */
  decode_tokens_per_sec: number | null;
  concurrency?: number;
}

export interface ClientConfig {
  url: string;
  via: Via;
  apiKey?: string;
  prompt: string;
  maxTokens: number;
  stream: boolean;
  timeoutMs: number;
  /**
   * Connection cap of the http client: the most requests ever in flight, so it reuses instead of
   * racing new sockets.
   */
  maxConnections?: number;
}

export interface RawResult {
  status: number | null;
  ttfbMs: number | null;
  ttftMs: number | null;
  text: string;
  usageTokens: number | null;
}

export interface Client {
  send(model: string, signal: AbortSignal): Promise<RawResult>;
  close(): Promise<void>;
  /** The SDK this client runs on ('openai 7.59.0'), when it uses one. */
  sdk?: string;
}

export class RequestError extends Error {
  constructor(readonly kind: ErrorKind, readonly status: number | null, message: string) {
    super(message);
  }
}

/** `.../v1` base for OpenAI-style clients, whether or not the user's URL already ends in /v1. */
export function v1Base(url: string): string {
  const u = url.replace(/\/+$/, '');
  return /\/v1$/.test(u) ? u : `${u}/v1`;
}
export function rootBase(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export function classifyStatus(status: number): ErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'client_error';
}

const CONN_CODES = ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'];

/** What classifyError reads of a thrown value and of each `cause` beneath it. */
interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  status?: unknown;
  cause?: unknown;
}

/** Maps any client's error to a kind; walks `cause` chains (fetch, undici, openai wrap their errors). */
export function classifyError(err: unknown): RequestError {
  if (err instanceof RequestError) return err;
  let e = err as ErrorLike | null | undefined;
  const messages: string[] = [];
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as ErrorLike | null | undefined) {
    const code = String(e.code ?? '');
    const name = String(e.name ?? '');
    const msg = String(e.message ?? '');
    messages.push(msg);
    const status = typeof e.status === 'number' ? e.status : Number(/code (\d{3}) from/.exec(msg)?.[1] ?? NaN);
    if (Number.isInteger(status) && status >= 400) return new RequestError(classifyStatus(status), status, `HTTP ${status}`);
    if (code === 'ECONNREFUSED' || msg.includes('ECONNREFUSED')) return new RequestError('connection_refused', null, 'connection refused');
    if (name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || name === 'APIConnectionTimeoutError') {
      return new RequestError('timeout', null, 'timed out');
    }
    if (name === 'AbortError' || name === 'APIUserAbortError') return new RequestError('interrupted', null, 'interrupted');
    if (CONN_CODES.includes(code) || /premature close|terminated|socket hang up|other side closed/i.test(msg)) {
      return new RequestError('connection_error', null, code || 'connection closed');
    }
  }
  return new RequestError('other', null, (messages[0] ?? String(err)).slice(0, 120));
}

/** What the clients read of an OpenAI-style answer (`message`) or stream chunk (`delta`). */
interface ChatPayload {
  choices?: Array<{ message?: { content?: string | null }; delta?: { content?: string | null } } | null>;
  usage?: { completion_tokens?: number } | null;
}

/** Incremental SSE reader for OpenAI-style streams: feeds content deltas and usage. */
function sseParser(onData: (chunk: ChatPayload | null) => void): { push(s: string): void; end(): void } {
  let buf = '';
  const line = (l: string) => {
    if (!l.startsWith('data:')) return;
    const data = l.slice(5).trim();
    if (data === '' || data === '[DONE]') return;
    onData(JSON.parse(data) as ChatPayload | null);
  };
  return {
    push(s: string) {
      buf += s;
      let nl: number;
      while ((nl = buf.indexOf('\n')) !== -1) {
        line(buf.slice(0, nl).replace(/\r$/, ''));
        buf = buf.slice(nl + 1);
      }
    },
    end() {
      if (buf) line(buf);
      buf = '';
    },
  };
}

function chatBody(model: string, cfg: ClientConfig): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    messages: [{ role: 'user', content: cfg.prompt }],
    max_tokens: cfg.maxTokens,
    stream: cfg.stream,
  };
  if (cfg.stream) body.stream_options = { include_usage: true };
  return body;
}

function httpClient(cfg: ClientConfig): Client {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: cfg.maxConnections ?? null });
  const url = `${v1Base(cfg.url)}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (cfg.apiKey) headers.authorization = `Bearer ${cfg.apiKey}`;
  return {
    async send(model, signal) {
      const t0 = performance.now();
      const res = await request(url, { method: 'POST', headers, body: JSON.stringify(chatBody(model, cfg)), dispatcher, signal });
      const ttfbMs = performance.now() - t0;
      if (res.statusCode >= 400) {
        await res.body.dump().catch(() => undefined);
        throw new RequestError(classifyStatus(res.statusCode), res.statusCode, `HTTP ${res.statusCode}`);
      }
      let text = '';
      let usageTokens: number | null = null;
      let ttftMs: number | null = null;
      if (!cfg.stream) {
        const json = (await res.body.json()) as ChatPayload | null;
        text = json?.choices?.[0]?.message?.content ?? '';
        usageTokens = json?.usage?.completion_tokens ?? null;
      } else {
        const parser = sseParser((obj) => {
          const c = obj?.choices?.[0]?.delta?.content;
          if (typeof c === 'string' && c !== '') {
            if (ttftMs === null) ttftMs = performance.now() - t0;
            text += c;
          }
          if (obj?.usage?.completion_tokens !== undefined) usageTokens = obj.usage.completion_tokens;
        });
        res.body.setEncoding('utf8');
        for await (const chunk of res.body) parser.push(chunk as string);
        parser.end();
      }
      return { status: res.statusCode, ttfbMs, ttftMs, text, usageTokens };
    },
    close: () => dispatcher.close(),
  };
}

/**
 * A package as the user's app (cwd) resolves it, else as litellm resolves it, else as we do: `--via
 * openai` runs on the openai the user installed (4, 5, 6 or 7), and --accelerated patches that copy
 * (applyAcceleration() runs before the client is built).
 */
function load(name: string): unknown {
  const tries = [createRequire(`${process.cwd()}/`)];
  try {
    tries.push(createRequire(createRequire(__filename).resolve('litellm/package.json')));
  } catch {
    /* litellm not installed */
  }
  tries.push(createRequire(__filename));
  for (const req of tries) {
    try {
      return req(name);
    } catch {
      /* next */
    }
  }
  throw new RequestError('other', null, `--via needs the ${name} package; install it (npm i ${name})`);
}

/** The SDK's APIPromise: awaited, the stream (streamed requests); asResponse(), the raw response. */
type ApiPromise = Promise<AsyncIterable<ChatPayload>> & { asResponse(): Promise<Response> };

/** The part of the openai SDK (4 through 7) this client uses. */
interface OpenAISdk {
  chat: { completions: { create(body: object, options: { signal: AbortSignal }): ApiPromise } };
}
type OpenAICtor = new (options: { baseURL: string; apiKey: string; maxRetries: number; timeout: number }) => OpenAISdk;

function openaiClient(cfg: ClientConfig): Client {
  const mod = load('openai') as OpenAICtor & { default?: OpenAICtor };
  const OpenAI = mod.default ?? mod;
  const client = new OpenAI({ baseURL: v1Base(cfg.url), apiKey: cfg.apiKey ?? 'sk-none', maxRetries: 0, timeout: cfg.timeoutMs });
  let version: string | undefined;
  try {
    version = String((load('openai/version') as { VERSION?: unknown }).VERSION);
  } catch {
    version = undefined;
  }
  return {
    sdk: version === undefined ? 'openai' : `openai ${version}`,
    async send(model, signal) {
      const t0 = performance.now();
      if (!cfg.stream) {
        const res: Response = await client.chat.completions.create(chatBody(model, cfg), { signal }).asResponse();
        const ttfbMs = performance.now() - t0;
        const json = (await res.json()) as ChatPayload | null;
        return { status: res.status, ttfbMs, ttftMs: null, text: json?.choices?.[0]?.message?.content ?? '', usageTokens: json?.usage?.completion_tokens ?? null };
      }
      const stream = await client.chat.completions.create(chatBody(model, cfg), { signal });
      const ttfbMs = performance.now() - t0;
      let text = '';
      let ttftMs: number | null = null;
      let usageTokens: number | null = null;
      for await (const chunk of stream) {
        const c = chunk?.choices?.[0]?.delta?.content;
        if (typeof c === 'string' && c !== '') {
          if (ttftMs === null) ttftMs = performance.now() - t0;
          text += c;
        }
        if (chunk?.usage?.completion_tokens !== undefined) usageTokens = chunk.usage.completion_tokens;
      }
      return { status: 200, ttfbMs, ttftMs, text, usageTokens };
    },
    close: async () => undefined,
  };
}

const OPENAI_STYLE = ['gpt-', 'openai/'];

interface LitellmParams {
  model: string;
  messages: Array<{ role: string; content: string }>;
  baseUrl: string;
  apiKey: string;
  stream: boolean;
  max_tokens: number;
}
/** litellm's completion() and each handler of its table: an answer, or a stream of chunks. */
type LitellmCall = (params: LitellmParams) => Promise<unknown>;

function litellmClient(cfg: ClientConfig): Client {
  const litellm = load('litellm') as { completion: LitellmCall };
  let mappings: Record<string, LitellmCall> | undefined;
  try {
    const completion = load('litellm/dist/src/completion') as { MODEL_HANDLER_MAPPINGS?: Record<string, LitellmCall> };
    mappings = completion.MODEL_HANDLER_MAPPINGS;
  } catch {
    mappings = undefined;
  }
  let undoAnthropic: (() => void) | undefined;
  return {
    async send(model, signal) {
      const key = mappings ? Object.keys(mappings).find((k) => new RegExp(k).test(model)) : 'openai/';
      const openaiStyle = key === undefined || OPENAI_STYLE.includes(key);
      if (key === 'claude-' && !undoAnthropic) undoAnthropic = redirectAnthropicSdk(rootBase(cfg.url));
      const params: LitellmParams = {
        model,
        messages: [{ role: 'user', content: cfg.prompt }],
        baseUrl: openaiStyle ? v1Base(cfg.url) : rootBase(cfg.url),
        apiKey: cfg.apiKey ?? 'sk-none',
        stream: cfg.stream,
        max_tokens: cfg.maxTokens,
      };
      const t0 = performance.now();
      // A model litellm does not route (a proxy's alias) goes through litellm's OpenAI handler, read from
      // the live mapping table at call time so an accelerated handler is the one measured.
      const call = key === undefined ? mappings!['openai/'](params) : litellm.completion(params);
      const abort = new Promise<never>((_, reject) => {
        const fail = () => reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
        if (signal.aborted) fail();
        else signal.addEventListener('abort', fail, { once: true });
      });
      const res = await Promise.race([call, abort]);
      if (!cfg.stream) {
        const answer = res as ChatPayload | null | undefined;
        return {
          status: 200, ttfbMs: null, ttftMs: null,
          text: answer?.choices?.[0]?.message?.content ?? '',
          usageTokens: answer?.usage?.completion_tokens ?? null,
        };
      }
      const ttfbMs = performance.now() - t0;
      let text = '';
      let ttftMs: number | null = null;
      const it = (res as AsyncIterable<ChatPayload | null | undefined>)[Symbol.asyncIterator]();
      for (;;) {
        const next = await Promise.race([it.next(), abort]);
        if (next.done) break;
        const c = next.value?.choices?.[0]?.delta?.content;
        if (typeof c === 'string' && c !== '') {
          if (ttftMs === null) ttftMs = performance.now() - t0;
          text += c;
        }
      }
      // litellm's stream chunks carry no total usage: tokens are counted.
      return { status: 200, ttfbMs, ttftMs, text, usageTokens: null };
    },
    close: async () => {
      undoAnthropic?.();
    },
  };
}

export function makeClient(cfg: ClientConfig): Client {
  if (cfg.via === 'http') return httpClient(cfg);
  if (cfg.via === 'openai') return openaiClient(cfg);
  return litellmClient(cfg);
}
