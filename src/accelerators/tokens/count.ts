// The synchronous counting API: exact tiktoken counts, special-token strings counted as ordinary text
// (tiktoken's `encode(text, [], [])`), memoised.
import { encodingForModel, ENCODINGS, getEncoder, isEncodingName, type EncodingName, type Flavor } from './encodings';
import { CODES, invalidArgument } from '../../errors';
import type { BpeEncoder } from './bpe';
import { TokenMemo, type TokenCacheOptions, type TokenCacheStats } from './memo';

export interface CountOptions {
  /** Model name; picks the encoding (see encodingForModel). Ignored when `encoding` is given. */
  model?: string;
  encoding?: EncodingName;
}

export const INVALID_ARGUMENT = CODES.INVALID_ARGUMENT;

const memo = new TokenMemo();

/** `where` names the public function, e.g. 'countTokens'; `name` the argument or option. */
export function assertText(text: unknown, where: string, name = 'text'): asserts text is string {
  if (typeof text !== 'string') invalidArgument(`${where}: ${name}`, text, 'a string');
}

export function resolveEncoding(options: CountOptions | undefined, where: string): EncodingName {
  if (options === undefined || options === null) return 'cl100k_base';
  if (typeof options !== 'object') invalidArgument(`${where}: options`, options, 'an object');
  const { encoding, model } = options;
  if (encoding !== undefined) {
    if (!isEncodingName(encoding)) invalidArgument(`${where}: options.encoding`, encoding, ENCODINGS.join(', '));
    return encoding;
  }
  if (model !== undefined && typeof model !== 'string') invalidArgument(`${where}: options.model`, model, 'a string');
  return encodingForModel(model);
}

const hasWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Lone surrogates reach tiktoken as U+FFFD (UTF-8 encoding replaces them). */
export function wellFormed(text: string): string {
  if (hasWellFormed) {
    const s = text as string & { isWellFormed(): boolean; toWellFormed(): string };
    return s.isWellFormed() ? text : s.toWellFormed();
  }
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** Count without the memo (used by workers and by the memo on a miss). */
export function countUncached(text: string, encoding: EncodingName): number {
  return getEncoder(encoding).count(text);
}

/** Exact token count of `text`, equal to tiktoken's `encode(text, [], []).length`. */
export function countTokens(text: string, options?: CountOptions): number {
  assertText(text, 'countTokens');
  const encoding = resolveEncoding(options, 'countTokens');
  if (text.length === 0) return 0;
  return memo.get(encoding, text, getEncoder(encoding));
}

/**
 * `countTokens` with another pre-tokenizer flavor (js-tiktoken's own regexes: litellm's counts), through
 * the same memo under its own key. `encoding` must be valid (no option checks here).
 */
export function countTokensFlavored(text: string, encoding: EncodingName, flavor: Flavor): number {
  assertText(text, 'countTokens');
  if (text.length === 0) return 0;
  if (flavor === 'tiktoken') return memo.get(encoding, text, getEncoder(encoding));
  return memo.get(JS_FLAVOR_KEYS[encoding], text, (jsFlavored[encoding] ??= getEncoder(encoding, flavor)));
}

/** The memo's keys and the encoders of the js-tiktoken flavor, looked up once (not a key built per call). */
const JS_FLAVOR_KEYS = Object.fromEntries(ENCODINGS.map((e) => [e, `${e}/js-tiktoken`])) as Record<EncodingName, string>;
const jsFlavored: Partial<Record<EncodingName, BpeEncoder>> = {};

/** Token ids of `text`, equal to tiktoken's `encode(text, [], [])` (special-token strings as text). */
export function encodeTokens(text: string, options?: CountOptions): number[] {
  assertText(text, 'encodeTokens');
  const out: number[] = [];
  getEncoder(resolveEncoding(options, 'encodeTokens')).encode(text, out);
  return out;
}

/** The memo itself, for the async paths that count elsewhere and store the result here. */
export function tokenMemo(): TokenMemo {
  return memo;
}

export function getTokenCacheStats(): TokenCacheStats {
  return memo.stats();
}

/** Drop every memoised count and reset the statistics. */
export function clearTokenCache(): void {
  memo.clear();
}

export function configureTokenCache(options: TokenCacheOptions): void {
  memo.configure(options);
}
