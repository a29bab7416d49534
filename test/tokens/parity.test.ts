import { describe, expect, it, afterAll } from 'vitest';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { countTokens, encodeTokens } from '../../src/accelerators/tokens/count';
import { ENCODINGS, getEncoder } from '../../src/accelerators/tokens/encodings';
import { generateCorpus, longPieces } from './corpus';

const refs = new Map<string, Tiktoken>();
function refTokens(encoding: string, text: string): number[] {
  let enc = refs.get(encoding);
  if (!enc) {
    enc = get_encoding(encoding as 'cl100k_base');
    refs.set(encoding, enc);
  }
  // Special-token strings as ordinary text: nothing allowed, nothing disallowed.
  return Array.from(enc.encode(text, [], []));
}
const ref = (encoding: string, text: string): number => refTokens(encoding, text).length;
afterAll(() => {
  for (const enc of refs.values()) enc.free();
});

const CORPUS = generateCorpus(20261122, 3000);

describe.each(ENCODINGS)('parity with tiktoken (%s)', (encoding) => {
  it('gives the token ids of the Rust tiktoken on 3,000 generated texts, and their count', () => {
    const mismatches: string[] = [];
    for (const text of CORPUS) {
      const want = refTokens(encoding, text);
      const got = encodeTokens(text, { encoding });
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${JSON.stringify(text)}: ids ${got} != ${want}`);
      else if (countTokens(text, { encoding }) !== want.length) mismatches.push(`${JSON.stringify(text)}: count`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('encodes long single pieces (the bucket merge) exactly', () => {
    const encoder = getEncoder(encoding);
    for (const text of longPieces()) {
      const out: number[] = [];
      encoder.encode(text, out);
      expect([text.slice(0, 8), out]).toEqual([text.slice(0, 8), refTokens(encoding, text)]);
      expect(encoder.count(text)).toBe(out.length);
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

describe.each([
  ['cl100k_base', 'scanCl100k', '../../src/accelerators/tokens/scan-cl100k'],
  ['o200k_base', 'scanO200k', '../../src/accelerators/tokens/scan-o200k'],
] as const)('ASCII scanner for %s splits exactly like the regex', (encoding, fn, file) => {
  // Alphabet of every class the scanners distinguish, plus non-ASCII characters that must hand over
  // to the regex (letters, digits, spaces and punctuation outside ASCII, the long s of the contractions).
  const ALPHABET = ["'", "'", 's', 'S', 't', 'r', 'R', 'e', 'E', 'v', 'l', 'L', 'm', 'd', 'D', 'a', 'Z', 'q', '0', '7', '9',
    ' ', ' ', ' ', '\t', '\n', '\r', '\v', '\f', '(', '.', '/', '/', '\x00', '\x1f', '\x7f', 'é', 'É', '—', '\u00A0', '\u017F', '٣', '日', '\u0085', '\uFEFF', '\u0301', 'ʰ'];
  const ASCII = ALPHABET.findIndex((c) => c.charCodeAt(0) >= 128);

  it('gives the same pieces on 30,000 random strings', async () => {
    const scan = (await import(file))[fn] as (text: string, s: number) => number;
    const { PATTERNS } = await import('../../src/accelerators/tokens/encodings');
    const pattern = new RegExp(PATTERNS[encoding], 'gu');
    const { prng } = await import('./corpus');
    const rnd = prng(99);
    const bad: string[] = [];
    for (let t = 0; t < 30_000 && bad.length < 5; t++) {
      let text = '';
      const len = 1 + Math.floor(rnd() * 24);
      const asciiOnly = rnd() < 0.5;
      for (let i = 0; i < len; i++) text += ALPHABET[Math.floor(rnd() * (asciiOnly ? ASCII : ALPHABET.length))];
      const want = text.match(pattern) ?? [];
      const got: string[] = [];
      for (let s = 0; s < text.length; ) {
        let e = scan(text, s);
        if (e < 0) {
          pattern.lastIndex = s;
          const m = pattern.exec(text)!;
          expect(m.index).toBe(s);
          e = s + m[0].length;
        }
        got.push(text.slice(s, e));
        s = e;
      }
      if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`${JSON.stringify(text)}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    }
    expect(bad).toEqual([]);
  });
});

describe('cutting long texts for the workers', () => {
  it('the parts count to the same total as the whole, for every encoding', async () => {
    const { splitPoints } = await import('../../src/accelerators/tokens/split');
    const { prng } = await import('./corpus');
    const rnd = prng(5);
    const texts: string[] = [];
    for (let i = 0; i < 40; i++) {
      // Corpus fragments glued with letters and spaces, so there are many candidate cut points in odd company.
      const parts = generateCorpus(1000 + i, 30).map((t) => (rnd() < 0.5 ? `${t} word` : `x ${t}`));
      texts.push(parts.join(rnd() < 0.5 ? ' ' : 'a b'));
    }
    let cuts = 0;
    for (const encoding of ENCODINGS) {
      for (const text of texts) {
        let start = 0;
        let sum = 0;
        const ends = splitPoints(text, 40);
        cuts += ends.length - 1;
        for (const end of ends) {
          sum += ref(encoding, text.slice(start, end));
          start = end;
        }
        expect(sum).toBe(ref(encoding, text));
      }
    }
    expect(cuts).toBeGreaterThan(1000);
  });
});
