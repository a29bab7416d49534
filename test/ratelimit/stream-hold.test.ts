import { describe, expect, it } from 'vitest';
import { CallLimits, holdUntilDone, RateLimitError } from '../../src/accelerators/ratelimit';

// The accelerator side of a limited call, with plain inputs: a model name, a key hash, token counts
// and an async iterable of OpenAI-format chunks.
async function* chunks(list: object[]): AsyncGenerator<object> {
  for (const c of list) yield c;
}
const content = (text: string, usage?: object): object =>
  ({ choices: [{ delta: { content: text } }], ...(usage ? { usage } : {}) });
const countWords = (t: string): number => t.split(' ').filter(Boolean).length;

async function tokensCounted(list: object[], promptTokens: number): Promise<number> {
  const limits = new CallLimits({ perPair: { tpm: 1000 } });
  const scopes = limits.scopes('m', 'h');
  const admission = await limits.admit(scopes, promptTokens);
  const held = holdUntilDone(chunks(list), admission, { counting: true, promptTokens, countText: countWords });
  for await (const _ of held) { /* drain */ }
  // What is left of tpm shows what the stream was settled at.
  const r = await scopes[0].limiter.check(scopes[0].key);
  return 1000 - r.remainingTokens;
}

describe('stream usage', () => {
  it('an OpenAI final usage chunk (no choices) is the stream total', async () => {
    expect(await tokensCounted([content('a b'), content(' c'), { choices: [], usage: { total_tokens: 40 } }], 5)).toBe(40);
  });

  it('usage on content chunks is per chunk: the text is counted, after the provider prompt count', async () => {
    const u = { prompt_tokens: 7, total_tokens: 8 };
    expect(await tokensCounted([content('a', u), content(' b', u), content(' c', u)], 5)).toBe(7 + 3);
  });

  it('no usage at all: our prompt count plus the counted text', async () => {
    expect(await tokensCounted([content('a b c d')], 5)).toBe(9);
  });

  it('odd usage values are ignored, never thrown', async () => {
    expect(await tokensCounted([content('a b'), { choices: [], usage: { total_tokens: -3 } }], 5)).toBe(7);
    expect(await tokensCounted([content('a b'), { choices: [], usage: { total_tokens: 12.5 } }], 5)).toBe(13);
  });

  it('the slot is held until the stream ends, and freed by an early return', async () => {
    const limits = new CallLimits({ perPair: { maxParallel: 1 } });
    const scopes = limits.scopes('m', 'h');
    const a = await limits.admit(scopes, 0);
    const held = holdUntilDone(chunks([content('a'), content('b')]), a, { counting: false, promptTokens: 0, countText: countWords });
    expect(() => limits.admit(scopes, 0)).toThrow(RateLimitError); // in memory: denied synchronously
    for await (const _ of held) break;
    expect(() => limits.admit(scopes, 0)).not.toThrow();
  });
});
