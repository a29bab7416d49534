// Plain descriptions of a call and its outcome: what the shims hand the telemetry core. Nothing here
// knows litellm's or openai's objects; the shims fill these in from them.

export type Operation = 'chat' | 'embeddings';

/**
 * Which layer saw the call: 'call' the app's call as a whole (span, call metrics); 'api' one call to the
 * provider (provider latency, time to first token); 'both' a call that is both (an unrouted call, an
 * openai SDK request); 'attempt' a routed attempt seen again beneath the routed call (a child span and
 * the provider latency; the routed call counts the request).
 */
export type Layer = 'call' | 'api' | 'both' | 'attempt';

export interface RequestParams {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  stopSequences?: string[];
  seed?: number;
  choiceCount?: number;
  encodingFormats?: string[];
}

export interface CallDescription {
  operation: Operation;
  /** gen_ai.provider.name as best known when the call starts. */
  provider: string;
  requestModel: string;
  stream: boolean;
  /** The API base the request goes to (credentials are stripped before it becomes an attribute). */
  baseUrl?: string;
  params?: RequestParams;
  /** The caller's API key, hashed here only when the key label is enabled; never kept or exported. */
  apiKey?: unknown;
  /** Read only when content capture is on: the chat messages or embedding input as the caller gave them. */
  input?: unknown;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
}

/** What served a routed call (the router's hidden params). */
export interface Served {
  modelId?: string;
  modelGroup?: string;
  /** The deployment's litellm model. */
  deployment?: string;
  apiBase?: string;
  fallbacks?: number;
}

/** A router deployment, as the deployment metrics label it (LiteLLM's names). */
export interface DeploymentRef {
  id: string;
  /** The model group (model_name). */
  group: string;
  /** The deployment's litellm model. */
  model: string;
  /** Its api_base without credentials ('' when none). */
  apiBase: string;
  provider: string;
}

export interface CallOutcome {
  /** gen_ai.provider.name once known better than at the start (the deployment that served a routed call). */
  provider?: string;
  responseModel?: string;
  responseId?: string;
  finishReasons?: string[];
  usage?: Usage;
  served?: Served;
  /** USD, when priced. */
  cost?: number;
  /** Read only when content capture is on. */
  output?: unknown;
}

export interface ErrorInfo {
  /** error.type: the error's class name, else its HTTP status, else `_OTHER`. */
  type: string;
  /** HTTP status as a string ('429'), or '' when the error carries none. */
  status: string;
  /** A RateLimitError of the shim's own limits: which scope refused, and what was left. */
  limit?: { scope: string; limitType: string; remainingRequests?: number; remainingTokens?: number };
}
