// What differs between the wire formats the mock speaks, one entry per text-generation route:
// where the prompt and the token limit are in the request, how a whole answer and a stream look.
import * as fmt from './formats';

export type TextRoute = 'openai.chat' | 'ollama.generate' | 'anthropic.complete';

/** What a dialect needs to write an answer. */
export interface Answer {
  id: string;
  created: number;
  model: string;
  text: string;
  groups: string[];
  finish: fmt.FinishReason;
  usage: fmt.Usage;
  genNs: number;
  /** The request body (OpenAI reads stream_options from it). */
  body: Body;
}

export interface Stream {
  events: string[];
  headers: Record<string, string>;
  /** Events before the first content event (OpenAI's role delta), and after the last one. */
  lead: number;
  trail: number;
}

type Body = Record<string, unknown>;
const obj = (v: unknown): Body => (v !== null && typeof v === 'object' ? (v as Body) : {});

interface Dialect {
  prompt(body: Body): string;
  limit(body: Body): unknown;
  whole(a: Answer): string;
  stream(a: Answer): Stream;
  error(status: number, message: string): string;
}

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } as const;
const NDJSON_HEADERS = { 'content-type': 'application/x-ndjson' } as const;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let s = '';
    for (const part of content) if (typeof obj(part).text === 'string') s += obj(part).text as string;
    return s;
  }
  return '';
}

const promptField = (body: Body): string => (typeof body.prompt === 'string' ? body.prompt : '');
const iso = () => new Date().toISOString();

export const DIALECTS: Record<TextRoute, Dialect> = {
  'openai.chat': {
    prompt: (body) => (Array.isArray(body.messages) ? body.messages : []).map((m) => textOf(obj(m).content)).join(''),
    limit: (body) => body.max_tokens ?? body.max_completion_tokens,
    whole: (a) => fmt.openaiChat(a.id, a.created, a.model, a.text, a.finish, a.usage),
    stream: (a) => {
      const includeUsage = obj(a.body.stream_options).include_usage === true;
      const events = fmt.openaiChatEvents(a.id, a.created, a.model, a.groups, a.finish, a.usage, includeUsage);
      return { events, headers: SSE_HEADERS, lead: 1, trail: includeUsage ? 3 : 2 };
    },
    error: fmt.openaiError,
  },
  'ollama.generate': {
    prompt: promptField,
    limit: (body) => obj(body.options).num_predict,
    whole: (a) => fmt.ollamaGenerate(a.model, iso(), a.text, a.finish, a.usage, a.genNs),
    stream: (a) => ({
      events: fmt.ollamaGenerateLines(a.model, iso(), a.groups, a.finish, a.usage, a.genNs),
      headers: NDJSON_HEADERS, lead: 0, trail: 1,
    }),
    error: (_status, message) => fmt.ollamaError(message),
  },
  'anthropic.complete': {
    prompt: promptField,
    limit: (body) => body.max_tokens_to_sample,
    whole: (a) => fmt.anthropicComplete(a.id, a.model, a.text, a.finish),
    stream: (a) => ({
      events: fmt.anthropicEvents(a.id, a.model, a.groups, a.finish), headers: SSE_HEADERS, lead: 0, trail: 1,
    }),
    error: fmt.anthropicError,
  },
};

/** The error body a route's clients expect (embedding routes speak their provider's format). */
export function errorBody(route: string, status: number, message: string): string {
  if (route.startsWith('ollama')) return fmt.ollamaError(message);
  if (route === 'anthropic.complete') return fmt.anthropicError(status, message);
  return fmt.openaiError(status, message);
}

/** Stream events per write: tick 0 carries the lead events and the first content; the closing ones ride on the last. */
export function ticksOf(s: Stream): string[][] {
  const { events, lead, trail } = s;
  const content = events.slice(lead, events.length - trail);
  if (content.length === 0) return [events];
  const ticks = content.map((e, i) => (i === 0 ? [...events.slice(0, lead), e] : [e]));
  ticks[ticks.length - 1].push(...events.slice(events.length - trail));
  return ticks;
}
