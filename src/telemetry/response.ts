import type { CallOutcome, Usage } from './types';

// Readers of OpenAI-format answers (chat completions, their stream chunks, embeddings): the shape both
// litellm 0.12 and the openai SDK hand back. Each reads defensively: an odd answer yields less data,
// never an error.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object';
const count = (v: unknown): number | undefined =>
  (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** Tokens of an OpenAI-format `usage`, or undefined when it has none. */
export function usageOf(u: unknown): Usage | undefined {
  if (!isObj(u)) return undefined;
  const inputTokens = count(u.prompt_tokens) ?? count(u.input_tokens);
  const outputTokens = count(u.completion_tokens) ?? count(u.output_tokens);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const details = u.prompt_tokens_details;
  const cachedInputTokens = isObj(details) ? count(details.cached_tokens) : undefined;
  return { inputTokens, outputTokens, ...(cachedInputTokens ? { cachedInputTokens } : {}) };
}

function finishReasons(choices: unknown): string[] | undefined {
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const out: string[] = [];
  for (const c of choices) {
    const r = isObj(c) ? c.finish_reason : undefined;
    if (typeof r === 'string') out.push(r);
  }
  return out.length > 0 ? out : undefined;
}

/** The outcome of a whole answer (chat completion or embeddings response). */
export function outcomeOf(result: unknown, capture: boolean): CallOutcome {
  if (!isObj(result)) return {};
  const out: CallOutcome = {};
  if (typeof result.model === 'string') out.responseModel = result.model;
  if (typeof result.id === 'string') out.responseId = result.id;
  const reasons = finishReasons(result.choices);
  if (reasons) out.finishReasons = reasons;
  const usage = usageOf(result.usage);
  if (usage) out.usage = usage;
  if (capture && Array.isArray(result.choices)) {
    out.output = result.choices.map((c) => (isObj(c) && isObj(c.message) ? c.message : undefined));
  }
  return out;
}

/** What a stream tells as it goes: kept per stream, read chunk by chunk. */
export interface StreamTally {
  responseModel?: string;
  responseId?: string;
  reasons?: string[];
  usage?: Usage;
  /** The streamed text (content capture only). */
  text?: string;
}

/** Reads one chat-completion chunk into the tally: only what is there, no allocation on most chunks. */
export function readChunk(t: StreamTally, chunk: unknown, capture: boolean): void {
  if (!isObj(chunk)) return;
  if (t.responseModel === undefined && typeof chunk.model === 'string') t.responseModel = chunk.model;
  if (t.responseId === undefined && typeof chunk.id === 'string') t.responseId = chunk.id;
  const choices = chunk.choices;
  if (Array.isArray(choices)) {
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i];
      if (!isObj(c)) continue;
      if (typeof c.finish_reason === 'string') {
        const idx = typeof c.index === 'number' ? c.index : i;
        (t.reasons ??= [])[idx] = c.finish_reason;
      }
      if (capture && isObj(c.delta) && typeof c.delta.content === 'string') t.text = (t.text ?? '') + c.delta.content;
    }
  }
  if (chunk.usage !== undefined && chunk.usage !== null) {
    const u = usageOf(chunk.usage);
    if (u) t.usage = u;
  }
}

export function tallyOutcome(t: StreamTally): CallOutcome {
  const out: CallOutcome = {};
  if (t.responseModel !== undefined) out.responseModel = t.responseModel;
  if (t.responseId !== undefined) out.responseId = t.responseId;
  if (t.reasons) out.finishReasons = t.reasons.filter((r) => typeof r === 'string');
  if (t.usage) out.usage = t.usage;
  if (t.text !== undefined) out.output = [{ role: 'assistant', content: t.text }];
  return out;
}

/** Messages in the conventions' gen_ai.input.messages / output.messages shape, as JSON (content capture). */
export function messagesJson(messages: unknown, reasons?: string[]): string | undefined {
  if (!Array.isArray(messages)) return typeof messages === 'string' ? JSON.stringify([textMessage('user', messages)]) : undefined;
  const out = messages.map((m, i) => {
    if (!isObj(m)) return { role: 'user', parts: [] };
    const msg = textMessage(typeof m.role === 'string' ? m.role : 'user', m.content);
    if (reasons?.[i] !== undefined) (msg as Obj).finish_reason = reasons[i];
    return msg;
  });
  return JSON.stringify(out);
}

function textMessage(role: string, content: unknown): { role: string; parts: { type: string; content: string }[] } {
  if (typeof content === 'string') return { role, parts: [{ type: 'text', content }] };
  if (Array.isArray(content)) {
    const parts = content.filter((p) => isObj(p) && p.type === 'text' && typeof p.text === 'string')
      .map((p) => ({ type: 'text', content: (p as Obj).text as string }));
    return { role, parts };
  }
  return { role, parts: [] };
}
