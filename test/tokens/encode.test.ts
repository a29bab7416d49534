// The library-shaped encoders against the libraries themselves: js-tiktoken (litellm's, installed as
// its dependency) and tiktoken (WASM). Same ids, same special-token rules, the same errors; UNSUPPORTED
// only for arguments a library fails on in its own way.
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { ENCODINGS, getEncoder, getTables, JS_TIKTOKEN_PATTERNS, loadRankList } from '../../src/accelerators/tokens/encodings';
import { JsTiktokenRules } from '../../src/accelerators/tokens/js-tiktoken-rules';
import { LongMerger } from '../../src/accelerators/tokens/merge-long';
import { rankSetOf } from '../../src/accelerators/tokens/rank-sets';
import { UNSUPPORTED } from '../../src/accelerators/tokens/rules';
import { SPECIAL_TOKENS } from '../../src/accelerators/tokens/special';
import { readTableFile, writeTableFile } from '../../src/accelerators/tokens/table-file';
import { NO_RANK, rankListData, RankTables } from '../../src/accelerators/tokens/tables';
import { TiktokenRules } from '../../src/accelerators/tokens/tiktoken-rules';
import { generateCorpus, prng, SPECIAL_ARGUMENTS, SPECIAL_TEXTS } from './corpus';
import { outcome } from './outcome';

const require = createRequire(import.meta.url);
// litellm's own js-tiktoken, the one an app reaches through litellm.
const jsTiktoken = require(require.resolve('js-tiktoken', { paths: [path.dirname(require.resolve('litellm/package.json'))] })) as {
  getEncoding(name: string, extra?: Record<string, number>): {
    encode(text: string, a?: unknown, d?: unknown): number[];
  };
};

const wasm = new Map<string, Tiktoken>();
function wasmEncoding(name: string): Tiktoken {
  let enc = wasm.get(name);
  if (!enc) wasm.set(name, (enc = get_encoding(name as 'cl100k_base')));
  return enc;
}
afterAll(() => {
  for (const enc of wasm.values()) enc.free();
});

const CORPUS = generateCorpus(7_2026, 2000);

describe.each(ENCODINGS)('library encoders (%s)', (encoding) => {
  it("tiktoken's encode / encode_ordinary: the same Uint32Array on 2,000 texts", () => {
    const rules = TiktokenRules.create(encoding)!;
    const ref = wasmEncoding(encoding);
    const bad: string[] = [];
    for (const text of CORPUS) {
      const want = outcome(() => ref.encode(text, 'all'));
      if (outcome(() => rules.encode(text, 'all')) !== want) bad.push(`encode ${JSON.stringify(text)}`);
      if (outcome(() => rules.encodeOrdinary(text)) !== outcome(() => ref.encode_ordinary(text))) bad.push(`ordinary ${JSON.stringify(text)}`);
      if (outcome(() => rules.encode(text)) !== outcome(() => ref.encode(text))) bad.push(`default ${JSON.stringify(text)}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it("js-tiktoken's encode: the reference ids by default, js-tiktoken's own with its flavor", () => {
    const rules = JsTiktokenRules.create(encoding)!;
    const own = JsTiktokenRules.create(encoding, undefined, { flavor: 'js-tiktoken' })!;
    const ref = jsTiktoken.getEncoding(encoding);
    const tk = wasmEncoding(encoding);
    const bad: string[] = [];
    let differ = 0;
    for (const text of CORPUS) {
      const js = outcome(() => ref.encode(text, 'all'));
      if (outcome(() => own.encode(text, 'all')) !== js) bad.push(`js flavor ${JSON.stringify(text)}`);
      const reference = `Array:${Array.from(tk.encode(text, 'all')).join(',')}`;
      if (outcome(() => rules.encode(text, 'all')) !== reference) bad.push(`reference ${JSON.stringify(text)}`);
      if (js !== reference) differ++;
      if (outcome(() => own.encode(text)) !== outcome(() => ref.encode(text))) bad.push(`js default ${JSON.stringify(text)}`);
      const wasmDefault = outcome(() => tk.encode(text)).replace(/^Uint32Array:/, 'Array:');
      if (outcome(() => rules.encode(text)) !== wasmDefault) bad.push(`reference default ${JSON.stringify(text)}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    // The corpus holds U+FEFF and U+0085, where js-tiktoken's \s differs from the Rust tiktoken's.
    expect(differ).toBeGreaterThan(0);
  });

  it('special-token arguments in every combination: the same result or the same error', () => {
    const values = SPECIAL_ARGUMENTS;
    const texts = SPECIAL_TEXTS;
    const tk = TiktokenRules.create(encoding)!;
    const js = JsTiktokenRules.create(encoding)!;
    const tkRef = wasmEncoding(encoding);
    const jsRef = jsTiktoken.getEncoding(encoding);
    const bad: string[] = [];
    const unsupported = new Set<string>();
    for (const text of texts) {
      for (const [a, allowed] of Object.entries(values)) {
        for (const [d, disallowed] of Object.entries(values)) {
          for (const [lib, ours, theirs] of [
            ['tiktoken', () => tk.encode(text, allowed, disallowed), () => tkRef.encode(text, allowed as never, disallowed as never)],
            ['js-tiktoken', () => js.encode(text, allowed, disallowed), () => jsRef.encode(text, allowed, disallowed)],
          ] as const) {
            const got = outcome(ours);
            if (got === 'UNSUPPORTED') unsupported.add(`${lib} ${a} ${d}`);
            else if (got !== outcome(theirs)) bad.push(`${lib} ${JSON.stringify(text)} ${a} ${d}: ${got} vs ${outcome(theirs)}`);
          }
        }
      }
      for (const args of [[], [undefined], ['all'], ['all', 'all'], [[], []]] as unknown[][]) {
        const [a, d] = args;
        if (outcome(() => tk.encode(text, ...args)) !== outcome(() => tkRef.encode(text, a as never, d as never))) bad.push(`tiktoken ${args.length} args`);
        if (outcome(() => js.encode(text, ...args)) !== outcome(() => jsRef.encode(text, ...args))) bad.push(`js-tiktoken ${args.length} args`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    // Left to the library only where it fails in its own way (js-tiktoken: a non-iterable set, a
    // non-string entry to escape) or where its answer hangs on a HashSet's order (tiktoken).
    for (const key of unsupported) {
      const [lib, a, d] = key.split(' ');
      if (lib === 'js-tiktoken') expect([key, a === 'object' || ['object', 'numbers', 'mixed'].includes(d)]).toEqual([key, true]);
      else expect([key, d]).toEqual([key, 'overlapping']);
    }
  });
});

describe('library encoders: extra special tokens and bad input', () => {
  it('mirrors getEncoding(name, extraSpecialTokens) and get_encoding(name, extend)', () => {
    const extra = { '<|im_start|>': 100264, '<|im_end|>': 100265 };
    const text = '<|im_start|>user\nhi<|im_end|><|endoftext|>';
    const js = JsTiktokenRules.create('cl100k_base', extra)!;
    const tk = TiktokenRules.create('cl100k_base', extra)!;
    const jsRef = jsTiktoken.getEncoding('cl100k_base', extra);
    const tkRef = get_encoding('cl100k_base', extra);
    try {
      for (const args of [['all'], [['<|im_start|>']], [], [['<|im_end|>'], []]] as unknown[][]) {
        expect(outcome(() => js.encode(text, ...args))).toBe(outcome(() => jsRef.encode(text, ...args)));
        expect(outcome(() => tk.encode(text, ...args))).toBe(outcome(() => tkRef.encode(text, ...(args as []))));
      }
    } finally {
      tkRef.free();
    }
    expect(JsTiktokenRules.create('cl100k_base', { '': 5 })).toBeUndefined();
    expect(TiktokenRules.create('cl100k_base', { '<|endo': 5 })).toBeUndefined();
    expect(TiktokenRules.create('cl100k_base', { x: -1 })).toBeUndefined();
  });

  it('leaves a non-string text to the library', () => {
    expect(JsTiktokenRules.create('o200k_base')!.encode(5)).toBe(UNSUPPORTED);
    expect(TiktokenRules.create('o200k_base')!.encode(undefined)).toBe(UNSUPPORTED);
    expect(TiktokenRules.create('o200k_base')!.encodeOrdinary({})).toBe(UNSUPPORTED);
  });

  it('recognises the four standard rank sets as both libraries ship them, and nothing else', () => {
    for (const name of ENCODINGS) {
      const js = require(`js-tiktoken/ranks/${name}`) as { default?: { bpe_ranks: string }; bpe_ranks?: string };
      const wasm = require(`tiktoken/encoders/${name}.json`) as { bpe_ranks: string };
      expect([name, rankSetOf((js.default ?? js).bpe_ranks), rankSetOf(wasm.bpe_ranks)]).toEqual([name, name, name]);
      const edited = wasm.bpe_ranks.replace('IQ==', 'Ig==');
      expect(rankSetOf(edited)).toBeUndefined();
    }
    expect(rankSetOf('! 0 IQ==')).toBeUndefined();
    expect(rankSetOf(undefined)).toBeUndefined();
  });

  it("knows each library's special tokens and js-tiktoken's patterns", () => {
    for (const name of ENCODINGS) {
      const ranks = require(`js-tiktoken/ranks/${name}`) as { default?: { special_tokens: object; pat_str: string }; special_tokens?: object; pat_str?: string };
      const r = ranks.default ?? (ranks as { special_tokens: object; pat_str: string });
      expect(SPECIAL_TOKENS[name]).toEqual(r.special_tokens);
      expect(JS_TIKTOKEN_PATTERNS[name]).toBe(r.pat_str);
    }
  });
});

describe('vocabulary tables', () => {
  it('the build-time file gives the very tables of the rank list', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fl-tables-'));
    for (const name of ENCODINGS) {
      const data = rankListData(loadRankList(name));
      writeTableFile(dir, name, data);
      const read = readTableFile(name, [dir])!;
      expect(Buffer.compare(Buffer.from(read.lengths), Buffer.from(data.lengths))).toBe(0);
      expect(Buffer.compare(Buffer.from(read.bytes), Buffer.from(data.bytes))).toBe(0);
    }
    expect(readTableFile('cl100k_base', [path.join(dir, 'missing')])).toBeUndefined();
  });

  it('the bucket merge gives what tiktoken\'s loop gives, on long pieces of every shape', () => {
    // Reference: tiktoken's quadratic loop, written plainly over the same tables.
    const plain = (t: RankTables, bytes: Uint8Array): number[] => {
      let parts = Array.from(bytes, (b) => t.single[b]);
      for (;;) {
        let best = NO_RANK;
        let at = -1;
        for (let i = 0; i < parts.length - 1; i++) {
          const r = t.merge(parts[i], parts[i + 1]);
          if (r < best) [best, at] = [r, i];
        }
        if (at < 0) return parts;
        parts = [...parts.slice(0, at), best, ...parts.slice(at + 2)];
      }
    };
    const rnd = prng(31);
    const alphabets = ['a', 'ab', 'abc ', ' ', '\n ', 'aaaaaaab', '0123456789', '!?.,;:-_', 'etaoinshrdlu', 'Zz'];
    for (const name of ENCODINGS) {
      const t = getTables(name);
      const merger = new LongMerger(t);
      for (let trial = 0; trial < 24; trial++) {
        const length = 100 + Math.floor(rnd() * 700);
        let bytes: Uint8Array;
        if (trial % 3 === 0) bytes = Uint8Array.from({ length }, () => Math.floor(rnd() * 256));
        else {
          const alphabet = alphabets[trial % alphabets.length];
          bytes = Buffer.from(Array.from({ length }, (_, i) => (trial % 2 ? alphabet[i % alphabet.length] : alphabet[Math.floor(rnd() * alphabet.length)])).join(''), 'latin1');
        }
        expect([name, trial, Array.from(merger.merge(bytes, bytes.length))]).toEqual([name, trial, plain(t, bytes)]);
      }
    }
  });

  it('the encoder of an encoding is built once, its tables on first use', () => {
    expect(getEncoder('p50k_base')).toBe(getEncoder('p50k_base'));
    expect(getEncoder('p50k_base', 'js-tiktoken')).not.toBe(getEncoder('p50k_base'));
    expect(getEncoder('p50k_base', 'js-tiktoken').tables).toBe(getEncoder('p50k_base').tables);
  });
});
