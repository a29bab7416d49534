import { describe, expect, it, afterAll } from 'vitest';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { countTokens } from '../../src/accelerators/tokens/count';
import { ENCODINGS, getCounter } from '../../src/accelerators/tokens/encodings';
import { generateCorpus, longPieces } from './corpus';

const refs = new Map<string, Tiktoken>();
function ref(encoding: string, text: string): number {
  let enc = refs.get(encoding);
  if (!enc) {
    enc = get_encoding(encoding as 'cl100k_base');
    refs.set(encoding, enc);
  }
  // Special-token strings as ordinary text: nothing allowed, nothing disallowed.
  return enc.encode(text, [], []).length;
}
afterAll(() => {
  for (const enc of refs.values()) enc.free();
});

const CORPUS = generateCorpus(20261122, 2500);

describe.each(ENCODINGS)('parity with tiktoken (%s)', (encoding) => {
  it('counts every generated text exactly like the Rust tiktoken', () => {
    const mismatches: string[] = [];
    for (const text of CORPUS) {
      const want = ref(encoding, text);
      const got = countTokens(text, { encoding });
      if (got !== want) mismatches.push(`${JSON.stringify(text)}: got ${got}, want ${want}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('counts long single pieces (heap merge) exactly', () => {
    const counter = getCounter(encoding);
    for (const text of longPieces()) {
      expect([text.slice(0, 8), counter.count(text)]).toEqual([text.slice(0, 8), ref(encoding, text)]);
    }
  });
});

describe('edge cases', () => {
  const cases: [string, string][] = [
    ['U+FEFF between letters', 'a\uFEFFb \uFEFF c\uFEFF\uFEFF'],
    ['U+0085 next line', 'x\u0085y \u0085\u0085 z\u0085'],
    ['long s contraction', 'it\u017Fs IT\u017FS'],
    ['special token strings', '<|endoftext|> <|im_start|>user<|im_end|> <|fim_prefix|><|endofprompt|>'],
    ['lone surrogates', '\uD800 \uDC00 a\uD83D b \uDE00'],
    ['CRLF runs', 'a\r\n\r\n  \r\n\tb'],
    ['empty', ''],
  ];
  it.each(cases)('%s', (_name, text) => {
    for (const encoding of ENCODINGS) {
      expect(countTokens(text, { encoding })).toBe(ref(encoding, text));
    }
  });
});
