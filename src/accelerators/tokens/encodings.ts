// Encodings, their pre-tokenizer patterns and the model -> encoding map.
// The patterns are tiktoken's, rewritten for JS so they split exactly like the Rust regex:
// Rust `\s` is Unicode White_Space (JS `\s` also matches U+FEFF and misses U+0085), and Rust
// `(?i:'s)` also matches the long s U+017F, which JS `[sS]` would not.
import { BpeEncoder, type PieceScanner } from './bpe';
import { scanCl100k } from './scan-cl100k';
import { scanO200k } from './scan-o200k';
import { readTableFile } from './table-file';
import { rankListData, RankTables } from './tables';

export type EncodingName = 'cl100k_base' | 'o200k_base' | 'p50k_base' | 'r50k_base';
export const ENCODINGS: readonly EncodingName[] = ['cl100k_base', 'o200k_base', 'p50k_base', 'r50k_base'];

const WS = String.raw`\p{White_Space}`;
const NOT_WS = String.raw`\P{White_Space}`;
const CONTRACTION = String.raw`'(?:[sS\u017F]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])`;
const UPPERISH = String.raw`[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`;
const LOWERISH = String.raw`[\p{Ll}\p{Lm}\p{Lo}\p{M}]`;

export const PATTERNS: Record<EncodingName, string> = {
  cl100k_base: [
    CONTRACTION,
    String.raw`[^\r\n\p{L}\p{N}]?\p{L}+`,
    String.raw`\p{N}{1,3}`,
    String.raw` ?[^${WS}\p{L}\p{N}]+[\r\n]*`,
    String.raw`${WS}*[\r\n]+`,
    String.raw`${WS}+(?!${NOT_WS})`,
    String.raw`${WS}+`,
  ].join('|'),
  o200k_base: [
    String.raw`[^\r\n\p{L}\p{N}]?${UPPERISH}*${LOWERISH}+(?:${CONTRACTION})?`,
    String.raw`[^\r\n\p{L}\p{N}]?${UPPERISH}+${LOWERISH}*(?:${CONTRACTION})?`,
    String.raw`\p{N}{1,3}`,
    String.raw` ?[^${WS}\p{L}\p{N}]+[\r\n/]*`,
    String.raw`${WS}*[\r\n]+`,
    String.raw`${WS}+(?!${NOT_WS})`,
    String.raw`${WS}+`,
  ].join('|'),
  // p50k/r50k are case-sensitive in tiktoken.
  p50k_base: String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^${WS}\p{L}\p{N}]+|${WS}+(?!${NOT_WS})|${WS}+`,
  r50k_base: String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^${WS}\p{L}\p{N}]+|${WS}+(?!${NOT_WS})|${WS}+`,
};

/**
 * js-tiktoken's own patterns (its ranks files' pat_str): JS `\s` semantics, ASCII-only contractions.
 * An encoder built with these splits text exactly as js-tiktoken does (it differs from the Rust
 * tiktoken on U+FEFF, U+0085 and the long s); the ASCII scanners fit both, as they leave every
 * non-ASCII decision to the regex.
 */
const JS_CONTRACTIONS = "'s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D";
export const JS_TIKTOKEN_PATTERNS: Record<EncodingName, string> = {
  cl100k_base: [
    `(${JS_CONTRACTIONS})`,
    String.raw`[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  ].join('|'),
  o200k_base: [
    String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(${JS_CONTRACTIONS})?`,
    String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(${JS_CONTRACTIONS})?`,
    String.raw`\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  ].join('|'),
  p50k_base: String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
  r50k_base: String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
};

/** Whose pre-tokenizer to follow: the Rust tiktoken (the reference), or js-tiktoken's JS regexes. */
export type Flavor = 'tiktoken' | 'js-tiktoken';

const SCANNERS: Partial<Record<EncodingName, PieceScanner>> = { cl100k_base: scanCl100k, o200k_base: scanO200k };

const tables = new Map<EncodingName, RankTables>();

/** The vocabulary of an encoding: from the table file of the build, else from gpt-tokenizer's rank list. */
export function getTables(name: EncodingName): RankTables {
  let t = tables.get(name);
  if (t === undefined) {
    t = new RankTables(readTableFile(name) ?? rankListData(loadRankList(name)));
    tables.set(name, t);
  }
  return t;
}

/** gpt-tokenizer's rank list (same vocabularies as tiktoken; index = rank). */
export function loadRankList(name: EncodingName): readonly (string | readonly number[] | undefined)[] {
  return (require(`gpt-tokenizer/cjs/bpeRanks/${name}`) as { default: (string | number[])[] }).default;
}

const encoders = new Map<string, BpeEncoder>();
/** The reference-flavoured encoders by name: the path every count takes, one property load. */
const reference: Partial<Record<EncodingName, BpeEncoder>> = {};

/** The encoder for an encoding, built once per process on first use (its tables on its first count). */
export function getEncoder(name: EncodingName, flavor: Flavor = 'tiktoken'): BpeEncoder {
  if (flavor === 'tiktoken') {
    const known = reference[name];
    if (known !== undefined) return known;
  }
  const key = flavor === 'tiktoken' ? name : `${name}/${flavor}`;
  let encoder = encoders.get(key);
  if (encoder === undefined) {
    const pattern = flavor === 'tiktoken' ? PATTERNS[name] : JS_TIKTOKEN_PATTERNS[name];
    encoder = new BpeEncoder(name, new RegExp(pattern, 'gu'), () => getTables(name), SCANNERS[name]);
    encoders.set(key, encoder);
    if (flavor === 'tiktoken') reference[name] = encoder;
  }
  return encoder;
}

/** Which encoders have been built so far (for tests of laziness). */
export function builtEncodings(): string[] {
  return [...encoders.keys()];
}

export function isEncodingName(value: unknown): value is EncodingName {
  return typeof value === 'string' && (ENCODINGS as readonly string[]).includes(value);
}

// Order matters: first prefix that matches wins. Provider prefixes ("openai/", "azure/") are stripped.
const MODEL_PREFIXES: readonly (readonly [string, EncodingName])[] = [
  ['gpt-4o', 'o200k_base'],
  ['chatgpt-4o', 'o200k_base'],
  ['gpt-4.1', 'o200k_base'],
  ['gpt-4.5', 'o200k_base'],
  ['gpt-5', 'o200k_base'],
  ['gpt-oss', 'o200k_base'],
  ['o1', 'o200k_base'],
  ['o3', 'o200k_base'],
  ['o4', 'o200k_base'],
  ['text-davinci-002', 'p50k_base'],
  ['text-davinci-003', 'p50k_base'],
  ['code-davinci', 'p50k_base'],
  ['code-cushman', 'p50k_base'],
  ['davinci', 'r50k_base'],
  ['curie', 'r50k_base'],
  ['babbage', 'r50k_base'],
  ['ada', 'r50k_base'],
  ['gpt2', 'r50k_base'],
];

/** Encoding for a model name; anything not listed (gpt-4, gpt-3.5, embeddings, other vendors) is cl100k_base. */
export function encodingForModel(model: string | undefined): EncodingName {
  if (!model) return 'cl100k_base';
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  if (name === 'davinci-002' || name === 'babbage-002') return 'cl100k_base';
  for (const [prefix, encoding] of MODEL_PREFIXES) {
    if (name === prefix || name.startsWith(prefix + '-') || name.startsWith(prefix + '.') || (prefix.length > 3 && name.startsWith(prefix))) {
      return encoding;
    }
  }
  return 'cl100k_base';
}
