// Deterministic text generator for the parity tests: every script and edge class the pre-tokenizer
// and the merges treat differently. Seeded, so a failure names a reproducible text.

import { mulberry32 } from '../../src/mock/content';

export const prng = (seed: number): (() => number) => mulberry32(seed);

const LATIN = ['the', 'quick', 'brown', 'fox', 'Über', 'naïve', 'café', 'résumé', 'Straße', 'jalapeño', 'HELLO', 'World', 'don\'t', 'I\'LL', 'it\'S', 'we\'re', 'they\'VE', 'it\u017Fs', 'x\'\u017F', 'ÆØÅ', 'ǅemal', 'ﬁne'];
const CJK = ['日本語', 'テキスト', '中文字符', '한국어', '漢字', 'ひらがな', 'カタカナ', '。', '、', '「引用」', '𠀀𠀁'];
const ARABIC = ['مرحبا', 'بالعالم', 'العربية', '٣٤٥', 'كتاب', 'ـــ'];
const DEVANAGARI = ['नमस्ते', 'दुनिया', 'हिन्दी', '१२३', 'क्षत्रिय', 'ॐ'];
const EMOJI = ['😀', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇯🇵', '❤️', '🧑🏿‍🚀', '1️⃣', '🫠', '✨✨✨'];
const CODE = ['function f(x) {', 'return x * 2;', '}', 'const a = [1, 2, 3];', 'if (a && b) { c(); }', '#include <stdio.h>', 'def foo(self, *args, **kw):', '    pass', '<div class="x">', '</div>', '=>', '!==', '// comment', '/* c */', 'a_b_c', 'camelCaseName', 'SNAKE_CASE', '0xFF', '1e-9', 'http://example.com/a/b?c=d', '```ts', '\\n\\t'];
const SPACES = [' ', '  ', '\t', '\n', '\r\n', '\n\n\n', '   \n ', '\u00A0', '\u3000', '\u2028', '\u0085', '\u2003\u2003', '\uFEFF', ' \uFEFF ', '\u200B', '\v\f'];
const NUMBERS = ['0', '12', '123', '1234', '1234567', '3.14159', '-42', '1,000,000', '2024-01-01', '٣', '²³', '½', 'Ⅻ'];
const SPECIAL = ['<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|endofprompt|>', '<|im_start|>', '<|im_end|>', '<|im_sep|>', '<|endoftext', 'endoftext|>'];
const SURROGATES = ['\uD800', '\uDFFF', 'a\uD83Db', '\uDE00x', '\uD83D\uD83D'];
const CLASSES = [LATIN, CJK, ARABIC, DEVANAGARI, EMOJI, CODE, SPACES, NUMBERS, SPECIAL, SURROGATES];

function pick<T>(rnd: () => number, a: readonly T[]): T {
  return a[Math.floor(rnd() * a.length)];
}

function randomCodePoint(rnd: () => number): string {
  const r = rnd();
  // Mostly assigned, interesting ranges; sometimes anything (unassigned, controls, private use).
  if (r < 0.3) return String.fromCodePoint(0x20 + Math.floor(rnd() * 0x250));
  if (r < 0.6) return String.fromCodePoint(Math.floor(rnd() * 0xd800));
  if (r < 0.8) return String.fromCodePoint(0xe000 + Math.floor(rnd() * 0x2000));
  return String.fromCodePoint(0x10000 + Math.floor(rnd() * 0x20000));
}

/** One text of up to ~maxParts fragments, mostly from one class with some mixing. */
export function generateText(rnd: () => number, maxParts = 24): string {
  const main = pick(rnd, CLASSES);
  const n = 1 + Math.floor(rnd() * maxParts);
  let out = '';
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.55) out += pick(rnd, main);
    else if (r < 0.8) out += pick(rnd, pick(rnd, CLASSES));
    else if (r < 0.9) out += randomCodePoint(rnd);
    else out += pick(rnd, SPACES);
    if (rnd() < 0.5) out += pick(rnd, [' ', ' ', '', '\n', '.', ',', '\'', '"']);
  }
  return out;
}

export function generateCorpus(seed: number, size: number): string[] {
  const rnd = prng(seed);
  const texts: string[] = [];
  for (let i = 0; i < size; i++) texts.push(generateText(rnd));
  return texts;
}

/**
 * Long single pieces that exercise the long-piece merge: runs of one pattern (the bucket merge) and
 * random text, which is cut where no token can span and merged run by run.
 */
export function longPieces(): string[] {
  const rnd = prng(77);
  const random = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  return [
    random('abcdefghijklmnopqrstuvwxyz', 3000),
    random('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 2000),
    random('!@#$%^&*()-=+[]{};:,.<>/?|~', 3000),
    random('éàüßøñçÆ', 1000),
    random('日本語中文字符한국어', 1000),
    random('😀👍🎉🫠✨', 600),
    'a'.repeat(3000),
    'ab'.repeat(700),
    'Z'.repeat(513),
    ' '.repeat(2000) + 'x',
    '\n'.repeat(700),
    '日本語中文字符'.repeat(200),
    '😀👍🎉'.repeat(150),
    '👨‍👩‍👧‍👦'.repeat(60),
    '-'.repeat(1500),
    '=+'.repeat(600),
    'ａｂｃ'.repeat(300),
    'नमस्ते'.repeat(150),
    'abcdefghij'.repeat(200),
    'éàü'.repeat(300),
  ];
}

/** Every kind of value an app may pass as allowedSpecial / disallowedSpecial, valid or not. */
export const SPECIAL_ARGUMENTS: Record<string, unknown> = {
  undefined: undefined, null: null, empty: [], eot: ['<|endoftext|>'], two: ['<|fim_prefix|>', '<|endofprompt|>'],
  all: 'all', none: 'none', name: '<|endoftext|>', emptyString: '', other: ['junk'], numbers: [1], object: {},
  set: new Set(['<|endoftext|>']), mixed: ['<|endoftext|>', 1], blank: [''], overlapping: ['<|endo', '<|endoftext|>'],
};

/** Texts around special tokens: inside, split, overlapping, next to lone surrogates. */
export const SPECIAL_TEXTS = ['a<|endoftext|>b<|fim_prefix|>c junk', 'plain text', '<|endoftext|>', 'x<|endofprompt|><|endoftext|>y',
  '<|endoftext<|endoftext|>|>', 'a\uD800<|endoftext|>\uDC00b', 'none of e here', ''];
