// litellm 0.12's own usage numbers, plain vs shimmed, on the same inputs: directly and through its
// Ollama handler over real loopback HTTP to the embedded mock server.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get_encoding } from 'tiktoken';
import { applyAcceleration, removeAcceleration } from '../../src/index';
import { isGuarded } from '../../src/shims/guard';
import { startMockServer, type MockServer } from '../../src/mock';
import { generateCorpus } from './corpus';

const require = createRequire(import.meta.url);
const toUsageModule = require('litellm/dist/src/utils/toUsage');
const litellm = require('litellm');
const original = { ...toUsageModule } as Record<'countTokens' | 'toUsage' | 'toEmbeddingUsage', (...a: unknown[]) => unknown>;
// litellm's own encoder, built by plain js-tiktoken at import (litellm loaded before the acceleration).
const litellmEncoder = () => require('litellm/dist/src/utils/encoders').encoderCl100K as { encode(t: string, a?: unknown, d?: unknown): number[] };

// Special-token strings (litellm throws through js-tiktoken) are compared separately below; the rest,
// U+FEFF and U+0085 included (where js-tiktoken's \s departs from the Rust tiktoken), counts as litellm's.
const SPECIAL = /<\|[a-z_]+\|>/;
const ALL = generateCorpus(424242, 600);
const CORPUS = ALL.filter((t) => !SPECIAL.test(t));

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ replyTokens: 40, unicode: true, seed: 7 });
});
afterAll(async () => {
  await removeAcceleration();
  await mock.close();
});

type Mode = 'on' | 'off' | 'shadow';
function accelerate(tokens: Mode, pooling: 'on' | 'off' = 'off'): void {
  applyAcceleration({ features: { token_counting: tokens, connection_pooling: pooling, streaming: pooling } });
}

describe('litellm utils/toUsage.js patched', () => {
  it('replaces countTokens, toUsage and toEmbeddingUsage with guarded functions', () => {
    accelerate('on');
    for (const name of ['countTokens', 'toUsage', 'toEmbeddingUsage']) {
      expect(isGuarded(toUsageModule[name]), name).toBe(true);
      expect(toUsageModule[name]).not.toBe(original[name as keyof typeof original]);
    }
  });

  it('gives the original numbers on a generated corpus', () => {
    accelerate('on');
    for (let i = 0; i < CORPUS.length; i++) {
      const prompt = CORPUS[i];
      const completion = CORPUS[(i + 1) % CORPUS.length];
      expect(toUsageModule.countTokens(prompt)).toBe(original.countTokens(prompt));
      expect(toUsageModule.toUsage(prompt, completion)).toEqual(original.toUsage(prompt, completion));
      expect(toUsageModule.toEmbeddingUsage(prompt)).toEqual(original.toEmbeddingUsage(prompt));
    }
    expect(toUsageModule.toUsage('prompt', '')).toBe(undefined);
    expect(original.toUsage('prompt', '')).toBe(undefined);
  });

  it("counts special-token text as ordinary text (the original throws), like js-tiktoken's encode(text, [], [])", () => {
    accelerate('on');
    const text = 'please ignore <|endoftext|> and <|im_start|> here';
    expect(() => original.countTokens(text)).toThrow('The text contains a special token that is not allowed: <|endoftext|>');
    const encoder = litellmEncoder();
    const want = encoder.encode(text, [], []).length;
    expect(toUsageModule.countTokens(text)).toBe(want);
    expect(toUsageModule.toUsage(text, 'ok')).toEqual({ prompt_tokens: want, completion_tokens: 1, total_tokens: want + 1 });
    const specials = ALL.filter((t) => SPECIAL.test(t));
    expect(specials.length).toBeGreaterThan(20);
    for (const t of specials) {
      expect(toUsageModule.countTokens(t), JSON.stringify(t)).toBe(encoder.encode(t, [], []).length);
    }
  });

  it("counts U+FEFF and U+0085 as litellm does (js-tiktoken's \\s), not as the Rust tiktoken", () => {
    accelerate('on');
    const ref = get_encoding('cl100k_base');
    try {
      const texts = ['a \uFEFFb', 'x \u0085y', 'a  \uFEFF  b', 'line\u0085\nnext'];
      for (const t of texts) {
        expect(toUsageModule.countTokens(t)).toBe(original.countTokens(t));
        expect(toUsageModule.toEmbeddingUsage(t)).toEqual(original.toEmbeddingUsage(t));
      }
      // Where the two tokenizers part, litellm's own count is the answer.
      expect(texts.some((t) => ref.encode(t, [], []).length !== original.countTokens(t))).toBe(true);
    } finally {
      ref.free();
    }
  });

  it('bad input fails as the original fails (guard falls back to it)', () => {
    accelerate('on');
    for (const bad of [undefined, null, 42, {}]) {
      let expected: string | undefined;
      try {
        original.countTokens(bad);
      } catch (e) {
        expected = (e as Error).message;
      }
      if (expected === undefined) expect(toUsageModule.countTokens(bad)).toEqual(original.countTokens(bad));
      else expect(() => toUsageModule.countTokens(bad)).toThrow(expected);
    }
  });
});

describe('litellm handlers over loopback HTTP, plain vs shimmed', () => {
  const messages = [
    { role: 'system', content: 'You are terse. Ünïcödé, 日本語, emoji 👍🏽 and code `x => x * 2`.' },
    { role: 'user', content: 'Summarise the plan in three bullet points, please.' },
    { role: 'assistant', content: 'Sure:\n- one\n- two\n- three' },
    { role: 'user', content: 'Again, longer. '.repeat(50) },
  ];

  async function usages(stream: boolean): Promise<unknown[]> {
    const res = await litellm.completion({ model: 'ollama/llama2', baseUrl: mock.url, messages, stream });
    if (!stream) return [res.usage];
    const out: unknown[] = [];
    for await (const chunk of res) out.push(chunk.usage);
    return out;
  }

  for (const stream of [false, true]) {
    it(`Ollama ${stream ? 'stream' : 'non-stream'}: same usage with token_counting off, on, shadow, and with pooling on`, async () => {
      accelerate('off');
      const plain = await usages(stream);
      expect(plain.length).toBeGreaterThan(stream ? 10 : 0);
      expect((plain[0] as { prompt_tokens: number }).prompt_tokens).toBeGreaterThan(100);
      accelerate('on');
      expect(await usages(stream)).toEqual(plain);
      accelerate('shadow');
      expect(await usages(stream)).toEqual(plain);
      accelerate('on', 'on');
      expect(await usages(stream)).toEqual(plain);
    });
  }

  it('Ollama embedding usage is the same', async () => {
    const input = ['first text to embed, ', 'second one: 日本語 👍'];
    accelerate('off');
    const plain = await litellm.embedding({ model: 'ollama/nomic-embed-text', baseUrl: mock.url, input });
    accelerate('on');
    const fast = await litellm.embedding({ model: 'ollama/nomic-embed-text', baseUrl: mock.url, input });
    expect(plain.usage.prompt_tokens).toBeGreaterThan(5);
    expect(fast.usage).toEqual(plain.usage);
  });
});
