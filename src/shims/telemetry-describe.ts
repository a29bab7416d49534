import { captureContent, spansOn, type CallDescription, type RequestParams, type Served } from '../telemetry';

// Call descriptions from litellm 0.12's and the openai SDK's call shapes: which provider and server a
// call goes to, the request settings the conventions name, and (only when content capture is on) the
// messages. The telemetry core never sees litellm's or openai's objects.

type Params = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

// litellm 0.12's handler prefixes (completion.js MODEL_HANDLER_MAPPINGS, embedding.js) and the
// conventions' gen_ai.provider.name for each.
const COMPLETION_PROVIDERS: [prefix: string, provider: string, base?: string][] = [
  ['claude-', 'anthropic', 'https://api.anthropic.com'],
  ['gpt-', 'openai', 'https://api.openai.com/v1'],
  ['openai/', 'openai', 'https://api.openai.com/v1'],
  ['command', 'cohere'],
  ['ollama/', 'ollama', 'http://127.0.0.1:11434'],
  ['j2-', 'ai21', 'https://api.ai21.com'],
  ['replicate/', 'replicate'],
  ['deepinfra/', 'deepinfra', 'https://api.deepinfra.com'],
  ['mistral/', 'mistral_ai', 'https://api.mistral.ai'],
];
const EMBEDDING_PROVIDERS: [prefix: string, provider: string, base?: string][] = [
  ['text-embedding-', 'openai'],
  ['ollama/', 'ollama', 'http://127.0.0.1:11434'],
  ['mistral/', 'mistral_ai', 'https://api.mistral.ai'],
];

/** gen_ai.provider.name of a litellm model, and the base URL litellm calls when the call names none. */
export function litellmProvider(kind: 'completion' | 'embedding', model: string): { provider: string; base?: string } {
  for (const [prefix, provider, base] of kind === 'completion' ? COMPLETION_PROVIDERS : EMBEDDING_PROVIDERS) {
    if (model.startsWith(prefix)) return { provider, base };
  }
  // A router group or alias: the deployment that serves it tells the provider at the end.
  return { provider: 'litellm' };
}

/** litellmProvider() once per model (bounded: models come from callers). */
const providers = { completion: new Map<string, { provider: string; base?: string }>(),
  embedding: new Map<string, { provider: string; base?: string }>() };
const PROVIDERS_MAX = 1024;

function providerOf(kind: 'completion' | 'embedding', model: string): { provider: string; base?: string } {
  const known = providers[kind];
  let p = known.get(model);
  if (p === undefined) {
    p = litellmProvider(kind, model);
    if (known.size >= PROVIDERS_MAX) known.clear();
    known.set(model, p);
  }
  return p;
}

function requestParams(p: Params): RequestParams {
  const stop = p.stop;
  const out: RequestParams = {
    maxTokens: num(p.max_completion_tokens) ?? num(p.max_tokens), temperature: num(p.temperature), topP: num(p.top_p),
    frequencyPenalty: num(p.frequency_penalty), presencePenalty: num(p.presence_penalty), seed: num(p.seed),
    choiceCount: num(p.n),
  };
  if (typeof stop === 'string') out.stopSequences = [stop];
  else if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) out.stopSequences = stop as string[];
  if (typeof p.encoding_format === 'string') out.encodingFormats = [p.encoding_format];
  return out;
}

// The request settings are span attributes only: without a span to carry them they are not read.

/** A litellm completion() / embedding() call. */
export function describeLitellm(kind: 'completion' | 'embedding', p: Params): CallDescription {
  const model = typeof p.model === 'string' ? p.model : String(p.model);
  const { provider, base } = providerOf(kind, model);
  let baseUrl = typeof p.baseUrl === 'string' ? p.baseUrl : base;
  // litellm's OpenAI embedding handler builds its client without a base URL: the SDK reads the environment.
  if (kind === 'embedding' && provider === 'openai') baseUrl = process.env.OPENAI_BASE_URL || 'https://api.openai.com/v1';
  return {
    operation: kind === 'completion' ? 'chat' : 'embeddings', provider, requestModel: model,
    stream: kind === 'completion' && Boolean(p.stream), baseUrl, params: spansOn() ? requestParams(p) : undefined,
    apiKey: p.apiKey, input: captureContent() ? (kind === 'completion' ? p.messages : p.input) : undefined,
  };
}

const AZURE = /\.openai\.azure\.com(?::\d+)?(?:\/|$)/;
/** gen_ai.provider.name per client base URL, tested once per URL. */
const sdkProviders = new Map<string, string>();

function sdkProvider(baseUrl: string | undefined): string {
  if (baseUrl === undefined) return 'openai';
  let p = sdkProviders.get(baseUrl);
  if (p === undefined) {
    p = AZURE.test(baseUrl) ? 'azure.ai.openai' : 'openai';
    if (sdkProviders.size >= PROVIDERS_MAX) sdkProviders.clear();
    sdkProviders.set(baseUrl, p);
  }
  return p;
}

/** An openai SDK request (`this` is the resource: its `_client` holds the base URL and key). */
export function describeOpenai(op: 'chat' | 'embeddings', resource: unknown, body: Params): CallDescription {
  const client = (resource as { _client?: { baseURL?: unknown; apiKey?: unknown } } | null)?._client;
  const baseUrl = typeof client?.baseURL === 'string' ? client.baseURL : undefined;
  return {
    operation: op, provider: sdkProvider(baseUrl), requestModel: typeof body.model === 'string' ? body.model
      : String(body.model), stream: op === 'chat' && body.stream === true, baseUrl,
    params: spansOn() ? requestParams(body) : undefined, apiKey: client?.apiKey,
    input: captureContent() ? (op === 'chat' ? body.messages : body.input) : undefined,
  };
}

/** An api_base without credentials (router deployments). */
export function safeBaseOf(v: unknown): string {
  if (typeof v !== 'string' || v === '') return '';
  try {
    const u = new URL(v);
    return `${u.protocol}//${u.host}${u.pathname}`.replace(/\/$/, '');
  } catch {
    return '';
  }
}

/** What the router put on a routed answer (its `_hidden_params`), as telemetry reads it. */
export function servedOf(result: unknown): Served | undefined {
  const hp = (result as { _hidden_params?: Record<string, unknown> } | null)?._hidden_params;
  if (hp === null || typeof hp !== 'object' || typeof hp.model_id !== 'string') return undefined;
  return {
    modelId: hp.model_id,
    modelGroup: typeof hp.model_group === 'string' ? hp.model_group : undefined,
    deployment: typeof hp.deployment === 'string' ? hp.deployment : undefined,
    apiBase: typeof hp.api_base === 'string' ? hp.api_base : undefined,
    fallbacks: typeof hp.attempted_fallbacks === 'number' ? hp.attempted_fallbacks : undefined,
  };
}
