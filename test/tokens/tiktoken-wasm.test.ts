// tiktoken (WASM) under the shim, through its own API (get_encoding, encoding_for_model, the Tiktoken
// class's encode / encode_ordinary / free), against a plain copy of the same package in this process:
// the same Uint32Array or the same error everywhere, but where the WASM crashes; encoders that are the
// library's own instances, their WASM side built only when an original method needs it.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyAcceleration, getPatchStatus, getPerformanceStats, removeAcceleration } from '../../src/index';
import { encodeTokens } from '../../src/accelerators/tokens/count';
import { ENCODINGS } from '../../src/accelerators/tokens/encodings';
import { wasmBuilt } from '../../src/shims/tiktoken-wasm';
import { generateCorpus, longPieces, SPECIAL_ARGUMENTS, SPECIAL_TEXTS } from './corpus';
import { outcome } from './outcome';
import { plainCopy } from './plain-copy';

const require = createRequire(import.meta.url);

interface Encoder {
  encode(text: unknown, allowed?: unknown, disallowed?: unknown): Uint32Array;
  encode_ordinary(text: unknown): Uint32Array;
  decode(ids: Uint32Array): Uint8Array;
  free(): void;
  readonly name: string | undefined;
}
interface Wasm {
  get_encoding(name: unknown, extend?: unknown): Encoder;
  encoding_for_model(model: unknown, extend?: unknown): Encoder;
  Tiktoken: { prototype: Encoder };
}

const plain = plainCopy<Wasm>('tiktoken');
const app = require('tiktoken') as Wasm;
const proto = app.Tiktoken.prototype;
const originals = {
  get_encoding: app.get_encoding,
  encoding_for_model: app.encoding_for_model,
  Tiktoken: app.Tiktoken,
  encode: proto.encode,
  encode_ordinary: proto.encode_ordinary,
  free: proto.free,
};
const early = app.get_encoding('cl100k_base');

const refs = new Map<string, Encoder>();
const plainOf = (name: string): Encoder => {
  let enc = refs.get(name);
  if (enc === undefined) refs.set(name, (enc = plain.get_encoding(name)));
  return enc;
};

const CORPUS = generateCorpus(22_1022, 2000);

beforeAll(() => {
  applyAcceleration({ features: { token_counting: 'on' } });
});
afterAll(async () => {
  await removeAcceleration();
  for (const enc of refs.values()) enc.free();
  early.free();
});

describe.each(ENCODINGS)('tiktoken under the shim (%s)', (encoding) => {
  it("get_encoding and encoding_for_model: plain tiktoken's Uint32Array on 2,000 texts and long pieces", () => {
    const ref = plainOf(encoding);
    const model = { cl100k_base: 'gpt-4', o200k_base: 'gpt-4o', p50k_base: 'text-davinci-003', r50k_base: 'davinci' }[encoding];
    const ours = { get_encoding: app.get_encoding(encoding), encoding_for_model: app.encoding_for_model(model) };
    for (const enc of Object.values(ours)) {
      expect(enc).toBeInstanceOf(originals.Tiktoken);
      expect(wasmBuilt(enc)).toBe(false);
    }
    const bad: string[] = [];
    for (const text of [...CORPUS, ...longPieces()]) {
      const want = [outcome(() => ref.encode(text)), outcome(() => ref.encode(text, 'all')), outcome(() => ref.encode_ordinary(text))];
      for (const [how, enc] of Object.entries(ours)) {
        const got = [outcome(() => enc.encode(text)), outcome(() => enc.encode(text, 'all')), outcome(() => enc.encode_ordinary(text))];
        if (got.join('|') !== want.join('|')) bad.push(`${how} ${JSON.stringify(text)}`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    for (const enc of Object.values(ours)) {
      expect(wasmBuilt(enc)).toBe(false);
      enc.free();
    }
  });

  it('special-token arguments in every combination: the same ids or the same error', () => {
    const values = SPECIAL_ARGUMENTS;
    const texts = SPECIAL_TEXTS;
    const ref = plainOf(encoding);
    const enc = app.get_encoding(encoding);
    const bad: string[] = [];
    for (const text of texts) {
      for (const [a, allowed] of Object.entries(values)) {
        for (const [d, disallowed] of Object.entries(values)) {
          const got = outcome(() => enc.encode(text, allowed, disallowed));
          const want = outcome(() => ref.encode(text, allowed, disallowed));
          // Which of two overlapping disallowed entries tiktoken reports depends on its HashSet's order,
          // which differs from one of its encoders to the next: either is tiktoken's answer.
          const either = d === 'overlapping' && [got, want].every((o) => /not allowed: <\|endo(?:ftext\|>)?$/.test(o));
          if (got !== want && !either) bad.push(`${JSON.stringify(text)} ${a} ${d}`);
        }
      }
    }
    for (const text of [undefined, null, 42, {}]) {
      if (outcome(() => enc.encode(text)) !== outcome(() => ref.encode(text))) bad.push(`text ${String(text)}`);
      if (outcome(() => enc.encode_ordinary(text)) !== outcome(() => ref.encode_ordinary(text))) bad.push(`ordinary ${String(text)}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    enc.free();
  });
});

describe('tiktoken under the shim: the rest', () => {
  it('extensions, unknown names and models: as plain (what the shim cannot mirror goes to the WASM)', () => {
    const texts = ['a<|x|>b<|endoftext|>', '<|im_start|>hi<|im_end|>', 'plain'];
    const extends_ = [{ '<|x|>': 5 }, { '<|im_start|>': 100264, '<|im_end|>': 100265 }, { '<|x|>': 2 ** 32 }, { a: -1 },
      { '<|endoftext|>': 7 }, { '<|endo': 9 }, [], 'str', null];
    for (const ext of extends_) {
      const ours = app.get_encoding('cl100k_base', ext);
      const ref = plain.get_encoding('cl100k_base', ext);
      const oursModel = app.encoding_for_model('gpt-4', ext);
      for (const t of texts) {
        for (const args of [['all'], [], [[], []]] as unknown[][]) {
          expect(outcome(() => ours.encode(t, ...args)), `${JSON.stringify(ext)} ${t}`).toBe(outcome(() => ref.encode(t, ...args)));
          expect(outcome(() => oursModel.encode(t, ...args)), `${JSON.stringify(ext)} ${t}`).toBe(outcome(() => ref.encode(t, ...args)));
        }
      }
      for (const e of [ours, ref, oursModel]) e.free();
    }
    for (const [fn, arg] of [['get_encoding', 'nope'], ['encoding_for_model', 'nope'], ['get_encoding', 'gpt2'], ['encoding_for_model', 'gpt2']] as const) {
      const got = outcome(() => Array.from(app[fn](arg).encode('hello <|endoftext|>', 'all')));
      expect(got, `${fn}(${arg})`).toBe(outcome(() => Array.from(plain[fn](arg).encode('hello <|endoftext|>', 'all'))));
    }
    expect(getPatchStatus().rows.find((r) => r.id === 'tiktoken.get_encoding')?.reason).toMatch(/^left to tiktoken itself \d+ times, last: get_encoding\(/);
  });

  it('free() is harmless; a freed encoder fails as plain; the WASM side is built only when an original method needs it', () => {
    const ref = plain.get_encoding('o200k_base');
    const enc = app.get_encoding('o200k_base');
    const ids = enc.encode('Grüße, 世界!');
    expect(wasmBuilt(enc)).toBe(false);
    expect(enc.name).toBe(ref.name);
    expect(wasmBuilt(enc)).toBe(true);
    expect(enc.decode(ids)).toEqual(ref.decode(ids));
    expect(enc.encode('still the engine')).toEqual(ref.encode('still the engine'));
    for (const e of [enc, ref]) e.free();
    const never = app.get_encoding('o200k_base');
    never.free();
    expect(wasmBuilt(never)).toBe(false);
    for (const call of [(e: Encoder) => e.encode('x'), (e: Encoder) => e.encode_ordinary('x'), (e: Encoder) => e.free(), (e: Encoder) => e.name]) {
      const want = outcome(() => call(ref));
      expect(want).toBe('Error: null pointer passed to rust');
      expect(outcome(() => call(enc))).toBe(want);
      expect(outcome(() => call(never))).toBe(want);
    }
  });

  it('shadow mode: the library answers, the factory comparisons match without building anything twice', () => {
    applyAcceleration({ features: { token_counting: 'shadow' } });
    try {
      const enc = app.encoding_for_model('gpt-4o');
      expect(wasmBuilt(enc)).toBeUndefined();
      expect(enc.encode('hello <|endoftext|>', 'all')).toEqual(plainOf('o200k_base').encode('hello <|endoftext|>', 'all'));
      enc.free();
      const stats = getPerformanceStats('tiktoken.encoding_for_model')['tiktoken.encoding_for_model'];
      expect(stats.shadowCompared).toBeGreaterThan(0);
      expect(stats.shadowMismatches).toBe(0);
    } finally {
      applyAcceleration({ features: { token_counting: 'on' } });
    }
  });

  it('encoders built before the acceleration keep working (the original answers them)', () => {
    expect(wasmBuilt(early)).toBeUndefined();
    for (const t of CORPUS.slice(0, 300)) expect(outcome(() => early.encode(t, 'all'))).toBe(outcome(() => plainOf('cl100k_base').encode(t, 'all')));
  });

  it("fixes the WASM's crash on long runs (RuntimeError: unreachable): the ids, which decode back to the text", () => {
    const ref = plain.get_encoding('cl100k_base');
    const enc = app.get_encoding('cl100k_base');
    try {
      const text = 'a'.repeat(1 << 20);
      expect(outcome(() => ref.encode_ordinary(text))).toBe('RuntimeError: unreachable');
      const ids = enc.encode_ordinary(text);
      expect(Array.from(ids)).toEqual(encodeTokens(text));
      expect(Array.from(enc.encode(text))).toEqual(Array.from(ids));
      expect(new TextDecoder().decode(enc.decode(ids))).toBe(text);
    } finally {
      enc.free();
    }
  });

  it('rows and states; the feature off and removeAcceleration() restore every original', async () => {
    const rows = getPatchStatus().rows.filter((r) => r.package === 'tiktoken');
    expect(rows.map((r) => `${r.id}:${r.state}`).sort()).toEqual([
      'tiktoken.Tiktoken.prototype.encode:applied', 'tiktoken.Tiktoken.prototype.encode_ordinary:applied',
      'tiktoken.Tiktoken.prototype.free:applied', 'tiktoken.encoding_for_model:applied', 'tiktoken.get_encoding:applied',
    ]);
    expect(rows.every((r) => r.version === '1.0.22')).toBe(true);
    const made = app.get_encoding('p50k_base');
    const text = CORPUS.slice(0, 50).join(' ');
    const want = plainOf('p50k_base').encode(text, 'all');
    const current = () => [app.get_encoding, app.encoding_for_model, app.Tiktoken, proto.encode, proto.encode_ordinary,
      proto.free];
    const orig = [originals.get_encoding, originals.encoding_for_model, originals.Tiktoken, originals.encode,
      originals.encode_ordinary, originals.free];
    applyAcceleration({ features: { token_counting: 'off' } });
    expect(current()).toEqual(orig);
    expect(made.encode(text, 'all')).toEqual(want);
    applyAcceleration({ features: { token_counting: 'on' } });
    const later = app.get_encoding('p50k_base');
    await removeAcceleration();
    current().forEach((fn, i) => expect(fn).toBe(orig[i]));
    expect(wasmBuilt(later)).toBe(false);
    expect(later.encode(text, 'all')).toEqual(want);
    expect(wasmBuilt(later)).toBe(true);
    for (const e of [made, later]) e.free();
    // A never-built encoder freed after the removal: the original free builds it to free it, once.
    const unbuilt = (applyAcceleration({ features: { token_counting: 'on' } }), app.get_encoding('r50k_base'));
    await removeAcceleration();
    unbuilt.free();
    expect(outcome(() => unbuilt.free())).toBe('Error: null pointer passed to rust');
    applyAcceleration({ features: { token_counting: 'on' } });
  });
});
