// tokenCounter: LiteLLM Python's `token_counter` arithmetic for chat requests (OpenAI cookbook rules):
// 3 tokens per message (+1 per name), every string field of a message counted, tool-call arguments,
// 3 tokens of reply priming, tool definitions rendered the way OpenAI formats them, tool_choice, images.
// Counts are exact (no extrapolation of long texts) and use OpenAI encodings for every model.
import { invalidArgument } from '../../errors';
import { countTokens, type CountOptions } from './count';
import { encodingForModel, type EncodingName } from './encodings';
import { imageTokens, type ImageDetail } from './images';
import { formatToolDefinitions } from './tools-format';

export interface TokenCounterOptions {
  model?: string;
  text?: string | string[];
  messages?: readonly Record<string, unknown>[];
  tools?: readonly Record<string, unknown>[];
  toolChoice?: string | { type?: string; function: { name: string } };
  /** true when counting a response: no reply priming, no tools. */
  countResponseTokens?: boolean;
  /** Count every image as 250 tokens, like Python's use_default_image_token_count. */
  useDefaultImageTokenCount?: boolean;
  /** Returned for a content list that cannot be counted, instead of throwing. */
  defaultTokenCount?: number;
}

const WHERE = 'tokenCounter';

interface Params {
  perMessage: number;
  perName: number;
  count: (text: string) => number;
}

/** Encoding token_counter uses for a model (Python: any "gpt-4o" substring means o200k). */
export function chatEncoding(model: string | undefined): EncodingName {
  if (model && model.includes('gpt-4o')) return 'o200k_base';
  return encodingForModel(model);
}

function paramsFor(model: string | undefined): Params {
  const options: CountOptions = { encoding: chatEncoding(model) };
  const legacy = model === 'gpt-3.5-turbo-0301';
  return {
    // gpt-3.5-turbo-0301: <|start|>{role/name}\n{content}<|end|>\n, and a name replaces the role.
    perMessage: legacy ? 4 : 3,
    perName: legacy ? -1 : 1,
    count: (text) => countTokens(text, options),
  };
}

export function tokenCounter(options: TokenCounterOptions): number {
  if (options === null || typeof options !== 'object') invalidArgument(WHERE, options, 'an object');
  const { model, text, messages, tools, toolChoice } = options;
  if (model !== undefined && typeof model !== 'string') invalidArgument(`${WHERE}: model`, model, 'a string');
  if (text !== undefined && text !== null && messages !== undefined && messages !== null) {
    invalidArgument(`${WHERE}: messages`, messages, 'nothing when text is set (text and messages cannot both be set)');
  }
  const params = paramsFor(model);
  if (text !== undefined && text !== null) {
    if (tools && tools.length > 0) invalidArgument(`${WHERE}: tools`, tools, 'nothing when text is set');
    if (toolChoice) invalidArgument(`${WHERE}: toolChoice`, toolChoice, 'nothing when text is set');
    if (Array.isArray(text)) return params.count(text.filter((t) => typeof t === 'string').join(''));
    if (typeof text !== 'string') invalidArgument(`${WHERE}: text`, text, 'a string or an array of strings');
    return params.count(text);
  }
  if (messages === undefined || messages === null) {
    invalidArgument(`${WHERE}: messages`, messages, 'an array (or text)');
  }
  if (!Array.isArray(messages)) invalidArgument(`${WHERE}: messages`, messages, 'an array');
  let total = countMessages(params, messages, options);
  if (!options.countResponseTokens) {
    const hasSystem = messages.some((m) => m && m.role === 'system');
    total += countExtra(params, tools, toolChoice, hasSystem);
  }
  return total;
}

function countMessages(
  params: Params,
  messages: readonly Record<string, unknown>[],
  options: TokenCounterOptions,
): number {
  let total = 0;
  for (let m = 0; m < messages.length; m++) {
    const message = messages[m];
    total += params.perMessage;
    if (message === null || typeof message !== 'object') continue;
    for (const key of Object.keys(message)) {
      const value = message[key];
      if (value === null || value === undefined) continue;
      const where = `${WHERE}: messages[${m}].${key}`;
      if (key === 'tool_calls' || key === 'function_call') total += countCallArguments(params, key, value, where);
      else if (typeof value === 'string') {
        total += params.count(value);
        if (key === 'name') total += params.perName;
      } else if (key === 'content' && Array.isArray(value)) {
        total += countContentList(params, value, options, where);
      }
      // Other keys (numbers, objects) are not part of the prompt text, as in Python.
    }
  }
  return total;
}

function countCallArguments(params: Params, key: string, value: unknown, where: string): number {
  if (key === 'tool_calls') {
    if (!Array.isArray(value)) invalidArgument(where, value, 'an array of tool calls');
    let total = 0;
    const calls = value as { function?: { arguments?: unknown } }[];
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i];
      if (!call || typeof call !== 'object' || !('function' in call)) {
        invalidArgument(`${where}[${i}]`, call, 'an object with a function key');
      }
      total += params.count(stringify(call.function?.arguments ?? ''));
    }
    return total;
  }
  if (typeof value !== 'object') invalidArgument(where, value, 'an object');
  return params.count(stringify((value as { arguments?: unknown }).arguments ?? ''));
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

function countContentList(
  params: Params,
  list: readonly unknown[],
  options: TokenCounterOptions,
  where: string,
): number {
  const useDefault = options.useDefaultImageTokenCount === true;
  try {
    let total = 0;
    for (let i = 0; i < list.length; i++) {
      const part = list[i];
      if (typeof part === 'string') {
        total += params.count(part);
        continue;
      }
      const block = (part ?? {}) as Record<string, unknown>;
      switch (block.type) {
        case 'text':
          total += params.count(stringify(block.text ?? ''));
          break;
        case 'image_url':
          total += countImageUrl(block.image_url, useDefault, `${where}[${i}].image_url`);
          break;
        case 'thinking':
        case 'redacted_thinking':
          if (block.thinking) total += params.count(stringify(block.thinking));
          break;
        default:
          invalidArgument(`${where}[${i}].type`, block.type, 'text, image_url, thinking, redacted_thinking');
      }
    }
    return total;
  } catch (err) {
    if (options.defaultTokenCount !== undefined) return options.defaultTokenCount;
    throw err;
  }
}

function countImageUrl(imageUrl: unknown, useDefault: boolean, where: string): number {
  if (typeof imageUrl === 'string') {
    if (!imageUrl.trim()) invalidArgument(where, imageUrl, 'a non-empty URL');
    return imageTokens(imageUrl, 'auto', useDefault);
  }
  if (imageUrl && typeof imageUrl === 'object') {
    const { url, detail = 'auto' } = imageUrl as { url?: unknown; detail?: unknown };
    if (detail !== 'low' && detail !== 'high' && detail !== 'auto') {
      invalidArgument(`${where}.detail`, detail, 'low, high, auto');
    }
    if (typeof url !== 'string' || !url) invalidArgument(`${where}.url`, url, 'a non-empty string');
    return imageTokens(url, detail as ImageDetail, useDefault);
  }
  return invalidArgument(where, imageUrl, "a URL string or an object with a 'url' field");
}

function countExtra(
  params: Params,
  tools: TokenCounterOptions['tools'],
  toolChoice: TokenCounterOptions['toolChoice'],
  hasSystem: boolean,
): number {
  let total = 3; // every reply is primed with <|start|>assistant<|message|>
  const hasTools = !!tools && tools.length > 0;
  if (hasTools) {
    total += params.count(formatToolDefinitions(tools)) + 9;
    if (hasSystem) total -= 4;
  }
  if (toolChoice === 'none') total += 1;
  else if (toolChoice && typeof toolChoice === 'object') {
    total += 7 + params.count(String(toolChoice.function?.name));
  }
  return total;
}
