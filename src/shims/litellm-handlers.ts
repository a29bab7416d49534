import { createRequire } from 'node:module';
import { NdjsonDecoder, SseDecoder, clientKey } from '../accelerators/pool';
import { type AnyFn, guard, markInternal } from './guard';
import { clients, currentFetch, pooledFetchFor, withPooledGlobalFetch } from './pooling';

// Replacements for litellm 0.12's provider handlers (dist/src/handlers/*.js), reproducing their
// results and errors; only the transport (shared pooled sockets, cached SDK clients) and Ollama's
// stream reader differ. Their helpers are read from litellm's module objects at call time, so the
// token-counting patches reach them as they reach the originals.

type Params = Record<string, any>;
let litellmRequire: NodeRequire | undefined;

const modules = new Map<string, any>();

/** litellm's module objects (cached: a require per call costs more than the request's own CPU). */
function fromLitellm(id: string): any {
  let mod = modules.get(id);
  if (mod !== undefined) return mod;
  try {
    if (litellmRequire === undefined) {
      const self = createRequire(__filename);
      litellmRequire = createRequire(self.resolve('litellm/package.json', { paths: [process.cwd(), __dirname] }));
    }
    mod = litellmRequire(id);
  } catch (err) {
    // Our lookup failed, not the call: the guard runs litellm's own handler instead.
    throw markInternal(err);
  }
  modules.set(id, mod);
  return mod;
}

const utils = (name: 'toUsage' | 'combinePrompts' | 'getUnixTimestamp' | 'getHandler'): any =>
  fromLitellm(name === 'getHandler' ? './dist/src/handlers/getHandler' : `./dist/src/utils/${name}`);

/**
 * One SDK client per provider + base URL + sha256(secret) (+ env the SDK reads at construction),
 * built with the pooled fetch. The SDK's own default fetch stays the fallback for what the pooled
 * one does not cover (multipart uploads, redirects).
 */
function cachedClient(provider: string, Ctor: any, opts: Record<string, unknown>, secret: string | undefined, extra: string): any {
  const key = clientKey(provider, `${String(opts.baseURL ?? '')}\n${extra}`, secret);
  return clients.getOrCreate(key, () => {
    const client = new Ctor(opts);
    client.fetch = pooledFetchFor(client.fetch);
    return client;
  });
}

// ---- OpenAI (chat) and OpenAI embeddings: openai v4, one cached client per key/base URL ----

async function* openaiStream(response: AsyncIterable<any>): AsyncGenerator<any> {
  for await (const chunk of response) {
    yield {
      model: chunk.model,
      created: chunk.created,
      choices: chunk.choices.map((c: any) => ({
        delta: { content: c.delta.content, role: c.delta.role, function_call: c.delta.function_call },
        index: c.index,
        finish_reason: c.finish_reason,
      })),
    };
  }
}

function openaiClient(apiKey: unknown, baseURL: unknown): any {
  const OpenAI = fromLitellm('openai');
  const env = `${process.env.OPENAI_ORG_ID ?? ''}\n${process.env.OPENAI_PROJECT_ID ?? ''}`;
  const opts: Record<string, unknown> = baseURL === undefined ? { apiKey } : { apiKey, baseURL };
  return cachedClient('openai', OpenAI, opts, apiKey as string, `${env}\n${baseURL === undefined ? `env:${process.env.OPENAI_BASE_URL ?? ''}` : ''}`);
}

/**
 * The chunks the SDK's Stream.fromSSEResponse would yield for this response, with its rules ([DONE],
 * `error` payloads and events, abort on an early stop, a user abort ending quietly), parsed by
 * SseDecoder instead of the SDK's per-chunk byte copies.
 */
async function* sseChunks(response: any, controller: AbortController): AsyncGenerator<any> {
  const { APIError } = fromLitellm('openai');
  const { createResponseHeaders } = fromLitellm('openai/core');
  const decoder = new SseDecoder();
  const parse = (sse: { data: string; raw: string[] }): any => {
    try {
      return JSON.parse(sse.data);
    } catch (e) {
      console.error('Could not parse message into JSON:', sse.data);
      console.error('From chunk:', sse.raw);
      throw e;
    }
  };
  let done = false;
  try {
    const body = response.body;
    if (!body) {
      controller.abort();
      throw new (fromLitellm('openai').OpenAIError)('Attempted to iterate over a response with no body');
    }
    const handle = function* (messages: ReturnType<SseDecoder['push']>): Generator<any> {
      for (const sse of messages) {
        if (done) continue;
        if (sse.data.startsWith('[DONE]')) {
          done = true;
          continue;
        }
        if (sse.event === null || sse.event.startsWith('response.') || sse.event.startsWith('transcript.')) {
          const data = parse(sse);
          if (data && data.error) throw new APIError(undefined, data.error, undefined, createResponseHeaders(response.headers));
          yield data;
        } else {
          const data = parse(sse);
          if (sse.event == 'error') throw new APIError(undefined, data.error, data.message, undefined);
          yield { event: sse.event, data };
        }
      }
    };
    for await (const chunk of body) yield* handle(decoder.push(chunk));
    yield* handle(decoder.flush());
    done = true;
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') return;
    throw e;
  } finally {
    if (!done) controller.abort();
  }
}

export async function openaiHandler(params: Params): Promise<any> {
  const { apiKey: providedApiKey, baseUrl: providedBaseUrl, ...completionsParams } = params;
  const apiKey = providedApiKey ?? process.env.OPENAI_API_KEY;
  const baseUrl = providedBaseUrl ?? 'https://api.openai.com/v1';
  const openai = openaiClient(apiKey, baseUrl);
  if (params.stream) {
    const request = openai.chat.completions.create({ ...completionsParams, stream: params.stream });
    // The SDK did the request, its retries and its status errors; only the SSE parsing is ours.
    const pending = request.responsePromise;
    if (pending === undefined || typeof pending.then !== 'function') return openaiStream(await request);
    const { response, controller } = await pending;
    return openaiStream(sseChunks(response, controller));
  }
  return openai.chat.completions.create({ ...completionsParams, stream: false });
}

export async function openaiEmbeddingHandler(params: Params): Promise<any> {
  const apiKey = params.apiKey ?? process.env.OPENAI_API_KEY;
  const openai = openaiClient(apiKey, undefined);
  return openai.embeddings.create({ input: params.input, model: params.model });
}

// ---- Anthropic: @anthropic-ai/sdk 0.6, one cached client per key ----

const finishReason = (s: unknown): string => (s === 'max_tokens' ? 'length' : 'stop');

async function* anthropicStream(stream: AsyncIterable<any>): AsyncGenerator<any> {
  const { getUnixTimestamp } = utils('getUnixTimestamp');
  for await (const chunk of stream) {
    yield {
      model: chunk.model,
      created: getUnixTimestamp(),
      choices: [{ delta: { content: chunk.completion, role: 'assistant' }, finish_reason: finishReason(chunk.stop_reason), index: 0 }],
    };
  }
}

export async function anthropicHandler(params: Params): Promise<any> {
  const Anthropic = fromLitellm('@anthropic-ai/sdk');
  const apiKey = params.apiKey ?? process.env.ANTHROPIC_API_KEY;
  const authToken = process.env.ANTHROPIC_AUTH_TOKEN;
  const secret = `${apiKey ?? ''}\0${authToken ?? ''}`;
  const anthropic = cachedClient('anthropic', Anthropic, { apiKey }, secret, `${apiKey == null}\n${authToken == null}`);
  const prompt = `${Anthropic.HUMAN_PROMPT} ${utils('combinePrompts').combinePrompts(params.messages)}${Anthropic.AI_PROMPT}`;
  const anthropicParams = { model: params.model, max_tokens_to_sample: 300, prompt };
  if (params.stream) {
    const completionStream = await anthropic.completions.create({ ...anthropicParams, stream: params.stream });
    return anthropicStream(completionStream);
  }
  const completion = await anthropic.completions.create(anthropicParams);
  return {
    model: completion.model,
    created: utils('getUnixTimestamp').getUnixTimestamp(),
    usage: utils('toUsage').toUsage(prompt, completion.completion),
    choices: [{ message: { content: completion.completion, role: 'assistant' }, finish_reason: finishReason(completion.stop_reason), index: 0 }],
  };
}

// ---- Ollama: streaming fast path ----

/** Usage per chunk as litellm's toUsage(prompt, chunk) gives it, with the prompt counted once per stream. */
function usageCounter(prompt: string): (text: unknown) => unknown {
  const tu = utils('toUsage');
  let promptTokens: number | undefined;
  return (text) => {
    if (typeof text !== 'string' || text === '') return tu.toUsage(prompt, text);
    promptTokens ??= tu.countTokens(prompt) as number;
    const completionTokens = tu.countTokens(text) as number;
    return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  };
}

async function* ollamaStream(res: any, model: string, prompt: string, withUsage: boolean): AsyncGenerator<any> {
  const reader = res.body?.getReader();
  const decoder = new NdjsonDecoder();
  const usage = withUsage ? usageCounter(prompt) : undefined;
  const { getUnixTimestamp } = utils('getUnixTimestamp');
  const toChunk = (r: any) => ({
    model,
    created: getUnixTimestamp(),
    usage: usage?.(r.response),
    choices: [{ delta: { content: r.response, role: 'assistant' }, finish_reason: 'stop', index: 0 }],
  });
  for (;;) {
    const next = await reader?.read();
    if (!next?.value) break;
    for (const r of decoder.push(next.value)) yield toChunk(r);
  }
  for (const r of decoder.flush()) yield toChunk(r);
}

export async function ollamaHandler(params: Params): Promise<any> {
  const baseUrl = params.baseUrl ?? 'http://127.0.0.1:11434';
  const model = params.model.split('ollama/')[1];
  const prompt = utils('combinePrompts').combinePrompts(params.messages);
  const res = await currentFetch()(`${baseUrl}/api/generate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ model, prompt }),
  });
  if (!res.ok) throw new Error(`Received an error with code ${res.status} from Ollama API.`);
  if (params.stream) return ollamaStream(res, model, prompt, true);
  // Whole answer: per-chunk usage objects would be dropped unread, so they are not computed.
  let message = '';
  for await (const chunk of ollamaStream(res, model, prompt, false)) message += chunk.choices[0].delta.content;
  return {
    model,
    created: utils('getUnixTimestamp').getUnixTimestamp(),
    usage: utils('toUsage').toUsage(prompt, message),
    choices: [{ message: { content: message, role: 'assistant' }, finish_reason: 'stop', index: 0 }],
  };
}

// ---- the tables' replacement builders ----

const NET = { async: true, sideEffects: true } as const;

function pooled(id: string, original: AnyFn, accelerated: AnyFn): AnyFn {
  return guard({ component: id, feature: 'connection_pooling', original, accelerated, ...NET });
}

/** litellm's handler for a given original, by the original's function name; undefined = leave it. */
function replacementFor(original: AnyFn): AnyFn | undefined {
  switch (original.name) {
    case 'OpenAIHandler':
      return pooled('litellm.OpenAIHandler', original, openaiHandler);
    case 'AnthropicHandler':
      return pooled('litellm.AnthropicHandler', original, anthropicHandler);
    case 'MistralHandler':
    case 'DeepInfraHandler':
    case 'AI21Handler':
    case 'OllamaEmbeddingHandler':
    case 'MistralEmbeddingHandler':
      return pooled(`litellm.${original.name}`, original, withPooledGlobalFetch(original));
    case 'OllamaHandler': {
      const transport = pooled('litellm.OllamaHandler', original, withPooledGlobalFetch(original));
      return guard({ component: 'litellm.OllamaHandler.stream', feature: 'streaming', original: transport, accelerated: ollamaHandler, ...NET });
    }
    case 'OpenAIEmbeddingHandler':
      return pooled('litellm.OpenAIEmbeddingHandler', original, openaiEmbeddingHandler);
    default:
      return undefined;
  }
}

/** completion.js MODEL_HANDLER_MAPPINGS: same keys in the same order, known handlers guarded. */
export function handlerMappings(original: unknown): unknown {
  if (original === null || typeof original !== 'object') return original;
  const out: Record<string, unknown> = {};
  const made = new Map<AnyFn, AnyFn | undefined>();
  for (const [pattern, fn] of Object.entries(original as Record<string, unknown>)) {
    if (typeof fn !== 'function') {
      out[pattern] = fn;
      continue;
    }
    if (!made.has(fn as AnyFn)) made.set(fn as AnyFn, replacementFor(fn as AnyFn));
    out[pattern] = made.get(fn as AnyFn) ?? fn;
  }
  return out;
}

/**
 * embedding.js `embedding`: its handler table is module-private, so the function is replaced by one
 * that resolves the same patterns, in the same order, to pooled handlers.
 */
export function embeddingFunction(original: AnyFn): AnyFn {
  let table: Record<string, AnyFn> | undefined;
  return async function embedding(this: unknown, params: Params): Promise<any> {
    if (table === undefined) {
      const h = (f: string) => fromLitellm(`./dist/src/handlers/${f}`);
      table = {
        'text-embedding-': openaiEmbeddingHandler,
        'ollama/': withPooledGlobalFetch(h('ollamaEmbedding').OllamaEmbeddingHandler),
        'mistral/': withPooledGlobalFetch(h('mistralEmbedding').MistralEmbeddingHandler),
      };
    }
    const handler = utils('getHandler').getHandler(params.model, table);
    if (!handler) return original.call(this, params);
    return handler(params);
  };
}

