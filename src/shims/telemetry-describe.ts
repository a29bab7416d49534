import { captureContent, type CallDescription, type RequestParams, type Served } from '../telemetry';

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

/** A litellm completion() / embedding() call. */
export function describeLitellm(kind: 'completion' | 'embedding', p: Params): CallDescription {
  const model = typeof p.model === 'string' ? p.model : String(p.model);
  const { provider, base } = litellmProvider(kind, model);
  let baseUrl = typeof p.baseUrl === 'string' ? p.baseUrl : base;
  // litellm's OpenAI embedding handler builds its client without a base URL: the SDK reads the environment.
  if (kind === 'embedding' && provider === 'openai') baseUrl = process.env.OPENAI_BASE_URL || 'https://api.openai.com/v1';
  return {
    operation: kind === 'completion' ? 'chat' : 'embeddings', provider, requestModel: model,
    stream: kind === 'completion' && Boolean(p.stream), baseUrl, params: requestParams(p), apiKey: p.apiKey,
    ...(captureContent() ? { input: kind === 'completion' ? p.messages : p.input } : {}),
  };
}

/** An openai SDK request (`this` is the resource: its `_client` holds the base URL and key). */
export function describeOpenai(op: 'chat' | 'embeddings', resource: unknown, body: Params): CallDescription {
  const client = (resource as { _client?: { baseURL?: unknown; apiKey?: unknown } } | null)?._client;
  const baseUrl = typeof client?.baseURL === 'string' ? client.baseURL : undefined;
  let provider = 'openai';
  if (baseUrl !== undefined && /\.openai\.azure\.com(?::\d+)?(?:\/|$)/.test(baseUrl)) provider = 'azure.ai.openai';
  return {
    operation: op, provider, requestModel: typeof body.model === 'string' ? body.model : String(body.model),
    stream: op === 'chat' && body.stream === true, baseUrl, params: requestParams(body), apiKey: client?.apiKey,
    ...(captureContent() ? { input: op === 'chat' ? body.messages : body.input } : {}),
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
