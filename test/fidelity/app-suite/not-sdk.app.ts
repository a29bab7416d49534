import { beforeAll, describe, expect, it } from 'vitest';
import { outcome, record, stubRequire } from './observe';

// A module that is not the SDK at all under the SDK's name (a wrong stub, a half-written mock):
// the app gets litellm's own error, the same one with the shim.

let litellm: typeof import('litellm');
beforeAll(async () => {
  stubRequire('openai', { notTheSdk: true });
  stubRequire('@anthropic-ai/sdk', Object.freeze({ __esModule: true, default: 42 }));
  litellm = await import('litellm');
});

const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('not the SDK', () => {
  it.each([
    ['chat', { model: 'gpt-3.5-turbo', messages }],
    ['chat stream', { model: 'gpt-3.5-turbo', messages, stream: true }],
    ['anthropic', { model: 'claude-2', messages }],
  ])('%s: the same TypeError', async (name, params) => {
    const got = await outcome(() => litellm.completion(params as any));
    record(`not-sdk-${name}`, got);
    expect(got.threw).toBeInstanceOf(TypeError);
    expect((got.threw as Error).message).toMatch(/is not a constructor/);
  });

  it('embedding: the same TypeError', async () => {
    const got = await outcome(() => litellm.embedding({ model: 'text-embedding-ada-002', input: 'x' } as any));
    record('not-sdk-embedding', got);
    expect((got.threw as Error).message).toBe('openai_1.default is not a constructor');
  });
});
