// js-tiktoken under the shim, through its own API (getEncoding, encodingForModel, `new Tiktoken(ranks)`
// from the main entry and from js-tiktoken/lite), against a plain copy of the same package in this
// process: the same ids or the same error everywhere, encoders that are the library's own instances,
// built lazily; encoders made before the acceleration keep working; removeAcceleration() restores it all.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get_encoding } from 'tiktoken';
import { applyAcceleration, getPatchStatus, getPerformanceStats, removeAcceleration } from '../../src/index';
import { ENCODINGS } from '../../src/accelerators/tokens/encodings';
import { isGuarded } from '../../src/shims/guard';
import { mapsBuilt } from '../../src/shims/js-tiktoken';
import { generateCorpus, SPECIAL_ARGUMENTS, SPECIAL_TEXTS } from './corpus';
import { outcome } from './outcome';
import { plainCopy } from './plain-copy';

const require = createRequire(import.meta.url);

interface Encoder {
  encode(text: unknown, allowed?: unknown, disallowed?: unknown): number[];
  decode(ids: number[]): string;
  specialTokens: Record<string, number>;
  rankMap: Map<string, number>;
}
type Class = new (ranks: unknown, extra?: unknown) => Encoder;
interface Main {
  getEncoding(name: unknown, extra?: unknown): Encoder;
  encodingForModel(model: unknown, extra?: unknown): Encoder;
  Tiktoken: Class;
}
interface Lite {
  Tiktoken: Class;
}

const plain = plainCopy<Main>('js-tiktoken');
const plainLite = plainCopy<Lite>('js-tiktoken/lite');
const RANK_FILES = ['cl100k_base', 'o200k_base', 'p50k_base', 'r50k_base', 'gpt2', 'p50k_edit'] as const;
const ranks = Object.fromEntries(RANK_FILES.map((n) => [n, require(`js-tiktoken/ranks/${n}`)])) as Record<string, object>;

// The app's copy, and an encoder it built before the acceleration.
const app = require('js-tiktoken') as Main;
const lite = require('js-tiktoken/lite') as Lite;
const originals = {
  getEncoding: app.getEncoding,
  encodingForModel: app.encodingForModel,
  Tiktoken: app.Tiktoken,
  encode: app.Tiktoken.prototype.encode,
  LiteTiktoken: lite.Tiktoken,
  liteEncode: lite.Tiktoken.prototype.encode,
};
const early = app.getEncoding('cl100k_base');

const plainEncoders = new Map<string, Encoder>();
const plainOf = (name: string): Encoder => {
  let enc = plainEncoders.get(name);
  if (enc === undefined) plainEncoders.set(name, (enc = plain.getEncoding(name)));
  return enc;
};

const CORPUS = generateCorpus(16_2026, 2000);

beforeAll(() => {
  applyAcceleration({ features: { token_counting: 'on' } });
});
afterAll(async () => {
  await removeAcceleration();
});

describe.each(ENCODINGS)('js-tiktoken under the shim (%s)', (encoding) => {
  it('getEncoding, new Tiktoken(ranks) (main entry and lite): plain js-tiktoken\'s ids on 2,000 texts', () => {
    const ref = plainOf(encoding);
    const ours = {
      getEncoding: app.getEncoding(encoding),
      'main new Tiktoken': new app.Tiktoken(ranks[encoding]),
      'lite new Tiktoken': new lite.Tiktoken(ranks[encoding]),
    };
    for (const [how, enc] of Object.entries(ours)) {
      expect(mapsBuilt(enc), how).toBe(false);
      expect(enc).toBeInstanceOf(how.startsWith('lite') ? originals.LiteTiktoken : originals.Tiktoken);
      expect(Object.keys(enc), how).toEqual(Object.keys(ref));
      expect(enc.specialTokens, how).toEqual(ref.specialTokens);
    }
    const bad: string[] = [];
    for (const text of CORPUS) {
      const want = outcome(() => ref.encode(text));
      const wantAll = outcome(() => ref.encode(text, 'all'));
      const wantNone = outcome(() => ref.encode(text, [], []));
      for (const [how, enc] of Object.entries(ours)) {
        if (outcome(() => enc.encode(text)) !== want) bad.push(`${how} ${JSON.stringify(text)}`);
        if (outcome(() => enc.encode(text, 'all')) !== wantAll) bad.push(`${how} 'all' ${JSON.stringify(text)}`);
        if (outcome(() => enc.encode(text, [], [])) !== wantNone) bad.push(`${how} [] [] ${JSON.stringify(text)}`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    // Answered by the engine: js-tiktoken's own maps were never needed.
    for (const [how, enc] of Object.entries(ours)) expect(mapsBuilt(enc), how).toBe(false);
  });

  it('special-token arguments in every combination: the same ids or the same error', () => {
    const values = SPECIAL_ARGUMENTS;
    const texts = SPECIAL_TEXTS;
    const ref = plainOf(encoding);
    const enc = app.getEncoding(encoding);
    const bad: string[] = [];
    for (const text of texts) {
      for (const [a, allowed] of Object.entries(values)) {
        for (const [d, disallowed] of Object.entries(values)) {
          const want = outcome(() => ref.encode(text, allowed, disallowed));
          if (outcome(() => enc.encode(text, allowed, disallowed)) !== want) bad.push(`${JSON.stringify(text)} ${a} ${d}`);
        }
      }
      for (const args of [[], [undefined], ['all'], ['all', 'all'], [[], []]] as unknown[][]) {
        if (outcome(() => enc.encode(text, ...args)) !== outcome(() => ref.encode(text, ...args))) bad.push(`${args.length} args`);
      }
    }
    for (const text of [undefined, null, 42, {}, ['a']]) {
      if (outcome(() => enc.encode(text)) !== outcome(() => ref.encode(text))) bad.push(`text ${String(text)}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});

describe('js-tiktoken under the shim: the rest of its API', () => {
  it('extra special tokens, encodingForModel, gpt2 and p50k_edit: as plain', () => {
    const extra = { '<|im_start|>': 100264, '<|im_end|>': 100265 };
    const text = '<|im_start|>user\nhi<|im_end|><|endoftext|>';
    const pairs: [string, Encoder, Encoder][] = [
      ['getEncoding extra', app.getEncoding('cl100k_base', extra), plain.getEncoding('cl100k_base', extra)],
      ['encodingForModel', app.encodingForModel('gpt-4o'), plain.encodingForModel('gpt-4o')],
      ['encodingForModel extra', app.encodingForModel('gpt-3.5-turbo', extra), plain.encodingForModel('gpt-3.5-turbo', extra)],
      ['lite extra', new lite.Tiktoken(ranks.cl100k_base, extra), new plainLite.Tiktoken(ranks.cl100k_base, extra)],
      ['lite p50k_edit', new lite.Tiktoken(ranks.p50k_edit), new plainLite.Tiktoken(ranks.p50k_edit)],
      ['lite gpt2', new lite.Tiktoken(ranks.gpt2), new plainLite.Tiktoken(ranks.gpt2)],
      ['getEncoding gpt2', app.getEncoding('gpt2'), plain.getEncoding('gpt2')],
    ];
    for (const [how, ours, ref] of pairs) {
      for (const t of [text, 'a <|fim_prefix|> b', ...CORPUS.slice(0, 200)]) {
        for (const args of [[], ['all'], [['<|im_start|>']], [['<|im_end|>'], []], [[], []]] as unknown[][]) {
          expect(outcome(() => ours.encode(t, ...args)), `${how} ${JSON.stringify(t)}`).toBe(outcome(() => ref.encode(t, ...args)));
        }
      }
    }
    // The lite encoders of the standard vocabularies (p50k_edit's too) are ours; gpt2 by name is the library's.
    expect(mapsBuilt(pairs[4][1])).toBe(false);
    expect(mapsBuilt(pairs[6][1])).toBeUndefined();
    for (const bad of [['getEncoding', 'nope'], ['encodingForModel', 'nope'], ['getEncoding', undefined]] as const) {
      expect(outcome(() => app[bad[0]](bad[1]))).toBe(outcome(() => plain[bad[0]](bad[1])));
    }
    expect(getPatchStatus().rows.find((r) => r.id === 'js-tiktoken.getEncoding')?.reason).toMatch(/^left to js-tiktoken itself \d+ times, last: getEncoding\(/);
  });

  it('shadow mode: the library answers, the factory comparisons match without building our maps', () => {
    applyAcceleration({ features: { token_counting: 'shadow' } });
    try {
      const enc = app.getEncoding('r50k_base');
      expect(mapsBuilt(enc)).toBeUndefined();
      expect(enc.encode('hello <|endoftext|>', 'all')).toEqual(plainOf('r50k_base').encode('hello <|endoftext|>', 'all'));
      const stats = getPerformanceStats('js-tiktoken.getEncoding')['js-tiktoken.getEncoding'];
      expect(stats.shadowCompared).toBeGreaterThan(0);
      expect(stats.shadowMismatches).toBe(0);
    } finally {
      applyAcceleration({ features: { token_counting: 'on' } });
    }
  });

  it('decode and the maps: built by js-tiktoken itself on first read, equal to plain', () => {
    const enc = app.getEncoding('o200k_base');
    const ref = plainOf('o200k_base');
    const ids = enc.encode('Grüße, 世界! <|endoftext|>', 'all');
    expect(mapsBuilt(enc)).toBe(false);
    expect(enc.decode(ids)).toBe(ref.decode(ids));
    expect(mapsBuilt(enc)).toBe(true);
    expect(enc.rankMap.size).toBe(ref.rankMap.size);
    expect(enc.rankMap.get('104,101,108,108,111')).toBe(ref.rankMap.get('104,101,108,108,111'));
    expect(enc.encode('still the engine')).toEqual(ref.encode('still the engine'));
  });

  it('an encoder edited by the app (special tokens, rank map) is encoded by js-tiktoken, as plain', () => {
    const texts = ['a<|x|>b<|endoftext|>', 'plain', '<|x|>'];
    const enc = app.getEncoding('cl100k_base');
    const ref = plain.getEncoding('cl100k_base');
    enc.specialTokens['<|x|>'] = 5;
    ref.specialTokens['<|x|>'] = 5;
    for (const t of texts) expect(outcome(() => enc.encode(t, 'all'))).toBe(outcome(() => ref.encode(t, 'all')));
    const other = app.getEncoding('cl100k_base');
    other.specialTokens = { '<|y|>': 7 };
    ref.specialTokens = { '<|y|>': 7 };
    expect(outcome(() => other.encode('a<|y|>', 'all'))).toBe(outcome(() => ref.encode('a<|y|>', 'all')));
    const third = app.getEncoding('cl100k_base');
    third.rankMap = new Map([['104', 1]]);
    expect(outcome(() => third.encode('h'))).toBe('Array:1');
  });

  it('a custom rank set, a subclass, an encoder built before the acceleration', () => {
    const base = ranks.r50k_base as { pat_str: string; special_tokens: object; bpe_ranks: string };
    const custom = { ...base, bpe_ranks: base.bpe_ranks.replace('! 0 IQ== Ig==', '! 0 Ig== IQ==') };
    const enc = new lite.Tiktoken(custom);
    expect(mapsBuilt(enc)).toBeUndefined();
    expect(enc.encode('"!" said he')).toEqual(new plainLite.Tiktoken(custom).encode('"!" said he'));
    expect(getPatchStatus().rows.find((r) => r.id === 'js-tiktoken.lite.Tiktoken')?.reason).toMatch(/not one of the four standard/);
    class Counting extends lite.Tiktoken {
      count(text: string): number {
        return this.encode(text).length;
      }
    }
    const sub = new Counting(ranks.o200k_base);
    expect(sub).toBeInstanceOf(Counting);
    expect(sub).toBeInstanceOf(originals.LiteTiktoken);
    expect(mapsBuilt(sub)).toBe(false);
    expect(sub.count('hello there, world')).toBe(plainOf('o200k_base').encode('hello there, world').length);
    expect(mapsBuilt(early)).toBeUndefined();
    for (const t of CORPUS.slice(0, 300)) expect(outcome(() => early.encode(t))).toBe(outcome(() => plainOf('cl100k_base').encode(t)));
  });

  it("fixes js-tiktoken's quadratic time on long runs: the Rust tiktoken's ids, at once", () => {
    const enc = app.getEncoding('cl100k_base');
    const wasm = get_encoding('cl100k_base');
    try {
      expect(enc.encode('a'.repeat(2000))).toEqual(plainOf('cl100k_base').encode('a'.repeat(2000)));
      // Plain js-tiktoken takes ~24 s for 10,000 letters and is quadratic; the WASM ~0.5 s for 20,000.
      for (const text of ['a'.repeat(20_000), ' '.repeat(20_000), '!'.repeat(20_000)]) {
        expect(enc.encode(text)).toEqual(Array.from(wasm.encode_ordinary(text)));
      }
    } finally {
      wasm.free();
    }
  });

  it('rows and states; the feature off and removeAcceleration() restore every original', async () => {
    const rows = getPatchStatus().rows.filter((r) => r.package === 'js-tiktoken');
    expect(rows.map((r) => `${r.id}:${r.state}`).sort()).toEqual([
      'js-tiktoken.encodingForModel:applied', 'js-tiktoken.getEncoding:applied', 'js-tiktoken.index.Tiktoken.prototype.encode:applied',
      'js-tiktoken.index.Tiktoken:applied', 'js-tiktoken.lite.Tiktoken.prototype.encode:applied', 'js-tiktoken.lite.Tiktoken:applied',
    ]);
    expect(rows.every((r) => r.version === '1.0.21')).toBe(true);
    expect(isGuarded(app.Tiktoken.prototype.encode)).toBe(true);
    const made = app.getEncoding('p50k_base');
    const text = CORPUS.slice(0, 50).join(' ');
    const want = plainOf('p50k_base').encode(text, 'all');
    applyAcceleration({ features: { token_counting: 'off' } });
    const current = () => [app.getEncoding, app.encodingForModel, app.Tiktoken, app.Tiktoken.prototype.encode,
      lite.Tiktoken, lite.Tiktoken.prototype.encode];
    const orig = [originals.getEncoding, originals.encodingForModel, originals.Tiktoken, originals.encode,
      originals.LiteTiktoken, originals.liteEncode];
    current().forEach((fn, i) => expect(fn).toBe(orig[i]));
    expect(made.encode(text, 'all')).toEqual(want);
    applyAcceleration({ features: { token_counting: 'on' } });
    expect(app.getEncoding).not.toBe(originals.getEncoding);
    const later = app.getEncoding('p50k_base');
    await removeAcceleration();
    current().forEach((fn, i) => expect(fn).toBe(orig[i]));
    // Encoders made under the shim are js-tiktoken's own: they build their maps and go on.
    expect(mapsBuilt(later)).toBe(false);
    expect(later.encode(text, 'all')).toEqual(want);
    expect(mapsBuilt(later)).toBe(true);
    expect(mapsBuilt(app.getEncoding('p50k_base'))).toBeUndefined();
    expect(getPatchStatus().rows.filter((r) => r.package === 'js-tiktoken').every((r) => r.state === 'removed')).toBe(true);
    applyAcceleration({ features: { token_counting: 'on' } });
  });
});
