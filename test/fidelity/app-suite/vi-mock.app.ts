import { describe, expect, it, vi } from 'vitest';
import OpenAI from 'openai';
import { completion } from 'litellm';
import { outcome, record } from './observe';

// What an app gets from vi.mock('openai') alone: its own imports see the mock, litellm does not
// (it is CommonJS and loads `openai` with Node's require, which vi.mock does not reach, with or
// without server.deps.inline). The request goes out through the real SDK: here to the embedded mock
// server, so that the test stays offline.

const h = vi.hoisted(() => ({ MockOpenAI: vi.fn() }));
vi.mock('openai', () => ({ default: h.MockOpenAI }));

describe('vi.mock alone', () => {
  it("mocks the app's import of openai, not litellm's", async () => {
    expect(OpenAI).toBe(h.MockOpenAI);
    const got = await outcome(() => completion({
      model: 'gpt-3.5-turbo',
      messages: [{ role: 'user', content: 'Hi' }],
      baseUrl: `${process.env.APP_SUITE_MOCK_URL}/v1`,
      apiKey: 'sk-test',
    } as any));
    const reached = h.MockOpenAI.mock.calls.length > 0;
    record('vi-mock-alone', { reached, object: (got.ok as any)?.object, threw: got.threw });
    expect(reached).toBe(false);
    expect(got.ok).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant' } }] });
  });
});
