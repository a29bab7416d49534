import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors';
import { builtEncodings, encodingForModel, getEncoder } from '../../src/accelerators/tokens/encodings';
import { clearTokenCache, configureTokenCache, countTokens, getTokenCacheStats } from '../../src/accelerators/tokens/count';

describe('countTokens', () => {
  it('builds nothing until the first count, then each encoder once', () => {
    expect(builtEncodings()).toEqual([]);
    expect(countTokens('hello world')).toBe(2);
    expect(builtEncodings()).toEqual(['cl100k_base']);
    expect(getEncoder('cl100k_base')).toBe(getEncoder('cl100k_base'));
    countTokens('hello', { model: 'gpt-4o-mini' });
    expect(builtEncodings()).toEqual(['cl100k_base', 'o200k_base']);
  });

  it('rejects non-string text with a TypeError naming the argument', () => {
    for (const bad of [undefined, null, 42, {}, ['a'], Buffer.from('a')]) {
      expect(() => countTokens(bad as unknown as string)).toThrow(TypeError);
      expect(() => countTokens(bad as unknown as string)).toThrow(/^countTokens: text: invalid value .*; accepted: a string$/);
    }
    try {
      countTokens(1 as unknown as string);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('FAST_LITELLM_INVALID_ARGUMENT');
    }
    expect(() => countTokens('x', { encoding: 'gpt2' as never })).toThrow(InvalidArgumentError);
    expect(() => countTokens('x', { model: 5 as never })).toThrow(/options\.model/);
  });

  it('maps models to encodings', () => {
    const o200k = ['gpt-4o', 'gpt-4o-mini', 'openai/gpt-4o-2024-08-06', 'gpt-4.1', 'gpt-4.1-nano', 'gpt-5', 'gpt-5-mini', 'o1', 'o1-mini', 'o3', 'o3-mini', 'o4-mini', 'chatgpt-4o-latest'];
    const cl100k = [undefined, '', 'gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo', 'gpt-35-turbo', 'text-embedding-3-small', 'text-embedding-ada-002', 'claude-3-opus', 'ollama/llama2', 'davinci-002', 'o1x', 'omni'];
    for (const m of o200k) expect([m, encodingForModel(m)]).toEqual([m, 'o200k_base']);
    for (const m of cl100k) expect([m, encodingForModel(m)]).toEqual([m, 'cl100k_base']);
    expect(encodingForModel('text-davinci-003')).toBe('p50k_base');
    expect(encodingForModel('davinci')).toBe('r50k_base');
    expect(countTokens('hi', { model: 'gpt-4o', encoding: 'r50k_base' })).toBe(countTokens('hi', { encoding: 'r50k_base' }));
  });

  it('memoises repeated texts, bounded by bytes, with stats', () => {
    clearTokenCache();
    configureTokenCache({ maxBytes: 4096, minChars: 16 });
    const a = 'a fairly long prompt that is worth remembering '.repeat(3);
    const n = countTokens(a);
    expect(countTokens(a)).toBe(n);
    expect(countTokens(a.slice(0) + '')).toBe(n);
    let s = getTokenCacheStats();
    expect([s.hits, s.misses, s.entries]).toEqual([2, 1, 1]);
    countTokens('short');
    expect(getTokenCacheStats().skipped).toBe(1);
    for (let i = 0; i < 50; i++) countTokens(`${i} another long enough text to be memoised here`);
    s = getTokenCacheStats();
    expect(s.bytes).toBeLessThanOrEqual(4096);
    expect(s.evictions).toBeGreaterThan(0);
    configureTokenCache({ maxBytes: 0 });
    countTokens(a);
    expect(getTokenCacheStats().entries).toBe(0);
    expect(() => configureTokenCache({ maxBytes: -1 })).toThrow(RangeError);
    configureTokenCache({ maxBytes: 16 * 1024 * 1024, minChars: 64 });
    clearTokenCache();
    expect(getTokenCacheStats()).toMatchObject({ hits: 0, misses: 0, entries: 0, bytes: 0 });
  });

  it('counts hostile 1 MB inputs (one letter, base64, CJK, emoji) in near-linear time', () => {
    const MB = 1 << 20;
    let seed = 1;
    const bytes = Buffer.alloc((MB / 4) * 3, 0).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    const cases: [string, string][] = [
      ['letters', 'a'.repeat(MB)],
      ['base64', Buffer.from(bytes).toString('base64')],
      ['cjk', '日本語中文字符'.repeat(MB / 21)],
      ['emoji', '😀👍🎉'.repeat(MB / 18)],
    ];
    for (const [name, text] of cases) {
      for (const encoding of ['cl100k_base', 'o200k_base'] as const) {
        const n = countTokens(text, { encoding });
        expect([name, encoding, Number.isInteger(n) && n > 0]).toEqual([name, encoding, true]);
      }
    }
    // a run of 8 'a's is one cl100k token
    expect(countTokens('a'.repeat(MB))).toBe(MB / 8);
  });
});
