// tokenCounter: LiteLLM Python's `token_counter` arithmetic for chat requests (OpenAI cookbook rules):
// 3 tokens per message (+1 per name), every string field of a message counted, tool-call arguments,
// 3 tokens of reply priming, tool definitions rendered the way OpenAI formats them, tool_choice, images.
// Counts are exact (no extrapolation of long texts) and use OpenAI encodings for every model.
import { countTokens, invalidArgument, type CountOptions } from './count';
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
  if (options === null || typeof options !== 'object') throw invalidArgument('The "options" argument must be an object');
  const { model, text, messages, tools, toolChoice } = options;
  if (model !== undefined && typeof model !== 'string') throw invalidArgument('The "model" option must be of type string');
  if (text !== undefined && text !== null && messages !== undefined && messages !== null) {
    throw invalidArgument('text and messages cannot both be set');
  }
  const params = paramsFor(model);
  if (text !== undefined && text !== null) {
    if ((tools && tools.length > 0) || toolChoice) throw invalidArgument('tools or tool_choice cannot be set if using text');
    if (Array.isArray(text)) return params.count(text.filter((t) => typeof t === 'string').join(''));
    if (typeof text !== 'string') throw invalidArgument('The "text" option must be a string or an array of strings');
    return params.count(text);
  }
  if (messages === undefined || messages === null) throw invalidArgument('Either text or messages must be provided');
  if (!Array.isArray(messages)) throw invalidArgument('The "messages" option must be an array');
  let total = countMessages(params, messages, options);
  if (!options.countResponseTokens) {
    const hasSystem = messages.some((m) => m && m.role === 'system');
    total += countExtra(params, tools, toolChoice, hasSystem);
  }
  return total;
}

function countMessages(params: Params, messages: readonly Record<string, unknown>[], options: TokenCounterOptions): number {
  let total = 0;
  for (const message of messages) {
    total += params.perMessage;
    if (message === null || typeof message !== 'object') continue;
    for (const key of Object.keys(message)) {
      const value = message[key];
      if (value === null || value === undefined) continue;
      if (key === 'tool_calls' || key === 'function_call') total += countCallArguments(params, key, value);
      else if (typeof value === 'string') {
        total += params.count(value);
        if (key === 'name') total += params.perName;
      } else if (key === 'content' && Array.isArray(value)) {
        total += countContentList(params, value, options);
      }
      // Other keys (numbers, objects) are not part of the prompt text, as in Python.
    }
  }
  return total;
}

function countCallArguments(params: Params, key: string, value: unknown): number {
  if (key === 'tool_calls') {
    if (!Array.isArray(value)) throw invalidArgument(`Unsupported type for key tool_calls`);
    let total = 0;
    for (const call of value as { function?: { arguments?: unknown } }[]) {
      if (!call || typeof call !== 'object' || !('function' in call)) {
        throw invalidArgument('Unsupported tool call: must contain a function key');
      }
      total += params.count(stringify(call.function?.arguments ?? ''));
    }
    return total;
  }
  if (typeof value !== 'object') throw invalidArgument('Unsupported type for key function_call');
  return params.count(stringify((value as { arguments?: unknown }).arguments ?? ''));
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

function countContentList(params: Params, list: readonly unknown[], options: TokenCounterOptions): number {
  const useDefault = options.useDefaultImageTokenCount === true;
  try {
    let total = 0;
    for (const part of list) {
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
          total += countImageUrl(block.image_url, useDefault);
          break;
        case 'thinking':
        case 'redacted_thinking':
          if (block.thinking) total += params.count(stringify(block.thinking));
          break;
        default:
          throw invalidArgument(`Invalid content item type: ${String(block.type)}`);
      }
    }
    return total;
  } catch (err) {
    if (options.defaultTokenCount !== undefined) return options.defaultTokenCount;
    throw err;
  }
}

function countImageUrl(imageUrl: unknown, useDefault: boolean): number {
  if (typeof imageUrl === 'string') {
    if (!imageUrl.trim()) throw invalidArgument('Empty image_url string is not valid.');
    return imageTokens(imageUrl, 'auto', useDefault);
  }
  if (imageUrl && typeof imageUrl === 'object') {
    const { url, detail = 'auto' } = imageUrl as { url?: unknown; detail?: unknown };
    if (detail !== 'low' && detail !== 'high' && detail !== 'auto') {
      throw invalidArgument(`Invalid detail value: ${String(detail)}. Expected 'low', 'high', or 'auto'.`);
    }
    if (typeof url !== 'string' || !url) throw invalidArgument("Missing required key 'url' in image_url dict.");
    return imageTokens(url, detail as ImageDetail, useDefault);
  }
  throw invalidArgument('Invalid image_url type. Expected str or dict with \'url\' field.');
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
