// Wire formats of the APIs litellm 0.12's handlers call, built by string concatenation around
// pre-serialized parts (cheaper than JSON.stringify of a fresh object per streamed token).

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export type FinishReason = 'stop' | 'length';

const q = JSON.stringify;

// ---- OpenAI-compatible chat completions (openai v4 SDK, Mistral, DeepInfra) ----

export function openaiChat(
  id: string,
  created: number,
  model: string,
  text: string,
  finish: FinishReason,
  u: Usage,
): string {
  return (
    `{"id":${q(id)},"object":"chat.completion","created":${created},"model":${q(model)},` +
    `"choices":[{"index":0,"message":{"role":"assistant","content":${q(text)}},"logprobs":null,"finish_reason":"${finish}"}],` +
    `"usage":{"prompt_tokens":${u.promptTokens},"completion_tokens":${u.completionTokens},"total_tokens":${u.promptTokens + u.completionTokens}},` +
    `"system_fingerprint":"fp_mock"}`
  );
}

/** SSE events of one streamed chat completion: role, one event per token group, finish, [usage], [DONE]. */
export function openaiChatEvents(
  id: string, created: number, model: string, groups: string[], finish: FinishReason, u: Usage, includeUsage: boolean,
): string[] {
  const head = `data: {"id":${q(id)},"object":"chat.completion.chunk","created":${created},"model":${q(model)},"system_fingerprint":"fp_mock","choices":[`;
  const out: string[] = [];
  out.push(`${head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`);
  for (const g of groups) out.push(`${head}{"index":0,"delta":{"content":${q(g)}},"logprobs":null,"finish_reason":null}]}\n\n`);
  out.push(`${head}{"index":0,"delta":{},"logprobs":null,"finish_reason":"${finish}"}]}\n\n`);
  if (includeUsage) {
    out.push(`${head}],"usage":{"prompt_tokens":${u.promptTokens},"completion_tokens":${u.completionTokens},"total_tokens":${u.promptTokens + u.completionTokens}}}\n\n`);
  }
  out.push('data: [DONE]\n\n');
  return out;
}

export function openaiEmbeddings(model: string, vectors: Array<number[] | string>, promptTokens: number): string {
  let data = '';
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i];
    data += `${i ? ',' : ''}{"object":"embedding","index":${i},"embedding":${typeof v === 'string' ? q(v) : '[' + v.join(',') + ']'}}`;
  }
  return `{"object":"list","data":[${data}],"model":${q(model)},"usage":{"prompt_tokens":${promptTokens},"total_tokens":${promptTokens}}}`;
}

export function openaiError(status: number, message: string): string {
  const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return `{"error":{"message":${q(message)},"type":"${type}","param":null,"code":"${type}"}}`;
}

// ---- Ollama ----

function ollamaTail(u: Usage, durationNs: number, finish: FinishReason): string {
  return (
    `"done":true,"done_reason":"${finish}","context":[],"total_duration":${durationNs},"load_duration":0,` +
    `"prompt_eval_count":${u.promptTokens},"prompt_eval_duration":0,"eval_count":${u.completionTokens},"eval_duration":${durationNs}}`
  );
}

export function ollamaGenerate(
  model: string,
  createdAt: string,
  text: string,
  finish: FinishReason,
  u: Usage,
  durationNs: number,
): string {
  return `{"model":${q(model)},"created_at":"${createdAt}","response":${q(text)},${ollamaTail(u, durationNs, finish)}`;
}

/** NDJSON lines of a streamed generate: one per token group, then the final `done` line. */
export function ollamaGenerateLines(
  model: string,
  createdAt: string,
  groups: string[],
  finish: FinishReason,
  u: Usage,
  durationNs: number,
): string[] {
  const head = `{"model":${q(model)},"created_at":"${createdAt}","response":`;
  const out = groups.map((g) => `${head}${q(g)},"done":false}\n`);
  out.push(`${head}"",${ollamaTail(u, durationNs, finish)}\n`);
  return out;
}

export function ollamaEmbedding(vector: number[]): string {
  return `{"embedding":[${vector.join(',')}]}`;
}

export function ollamaError(message: string): string {
  return `{"error":${q(message)}}`;
}

// ---- Anthropic text completions (POST /v1/complete, anthropic-version 2023-06-01) ----

function anthropicStop(finish: FinishReason): string {
  return finish === 'length' ? '"max_tokens"' : '"stop_sequence"';
}

export function anthropicComplete(id: string, model: string, text: string, finish: FinishReason): string {
  return (
    `{"type":"completion","id":${q(id)},"completion":${q(text)},"stop_reason":${anthropicStop(finish)},` +
    `"stop":${finish === 'length' ? 'null' : '"\\n\\nHuman:"'},"model":${q(model)},"log_id":${q(id)}}`
  );
}

export function anthropicEvents(id: string, model: string, groups: string[], finish: FinishReason): string[] {
  const head = `event: completion\ndata: {"type":"completion","id":${q(id)},"completion":`;
  const tail = `,"model":${q(model)},"log_id":${q(id)}}\n\n`;
  const out = groups.map((g) => `${head}${q(g)},"stop_reason":null,"stop":null${tail}`);
  out.push(`${head}"","stop_reason":${anthropicStop(finish)},"stop":${finish === 'length' ? 'null' : '"\\n\\nHuman:"'}${tail}`);
  return out;
}

export function anthropicError(status: number, message: string): string {
  const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return `{"type":"error","error":{"type":"${type}","message":${q(message)}}}`;
}
