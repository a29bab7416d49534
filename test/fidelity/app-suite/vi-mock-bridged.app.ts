import { beforeAll, describe, expect, it, vi } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { collect, outcome, record, stubRequire } from './observe';

// vi.mock() alone does not reach litellm (vi-mock.app.ts): litellm is CommonJS and loads the SDKs with
// Node's require, outside vitest's module graph, inlined or not. What does reach it: the same mock,
// shaped as vi.mock factories shape modules ({ default }), also put in require.cache before litellm
// loads. The app's own imports and litellm then see one double.

const h = vi.hoisted(() => {
  const create = vi.fn();
  class FakeOpenAI {
    static instances: FakeOpenAI[] = [];
    chat = { completions: { create } };
    embeddings = { create };
    constructor(readonly options: unknown) {
      FakeOpenAI.instances.push(this);
    }
  }
  class FakeAnthropic {
    static HUMAN_PROMPT = '\n\nHuman:';
    static AI_PROMPT = '\n\nAssistant:';
    completions = { create };
    constructor(readonly options: unknown) {}
  }
  return { create, FakeOpenAI, FakeAnthropic };
});
vi.mock('openai', () => ({ default: h.FakeOpenAI }));
vi.mock('@anthropic-ai/sdk', () => ({ default: h.FakeAnthropic, HUMAN_PROMPT: '\n\nHuman:', AI_PROMPT: '\n\nAssistant:' }));

let litellm: typeof import('litellm');
beforeAll(async () => {
  stubRequire('openai', { __esModule: true, default: h.FakeOpenAI });
  stubRequire('@anthropic-ai/sdk', { __esModule: true, default: h.FakeAnthropic });
  litellm = await import('litellm');
});

const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('vi.mock, bridged into require.cache', () => {
  it('the app and litellm see the same double', async () => {
    expect(OpenAI).toBe(h.FakeOpenAI);
    expect(Anthropic).toBe(h.FakeAnthropic);
    h.create.mockResolvedValueOnce({ id: 'x', choices: [{ message: { content: 'hello' } }] });
    const got = await outcome(() => litellm.completion({ model: 'gpt-3.5-turbo', messages, apiKey: 'k' } as any));
    record('bridged-openai', { got, calls: h.create.mock.calls, options: h.FakeOpenAI.instances.map((i) => i.options) });
    expect(got).toEqual({ ok: { id: 'x', choices: [{ message: { content: 'hello' } }] } });
    expect(h.FakeOpenAI.instances).toHaveLength(1);
  });

  it('streaming and embedding through the class double', async () => {
    h.create.mockImplementationOnce(async function* () {
      yield { model: 'm', created: 1, choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }] };
    });
    const stream = await outcome(async () => collect(await litellm.completion({ model: 'gpt-4', messages, stream: true } as any)));
    h.create.mockResolvedValueOnce({ data: [{ embedding: [1], index: 0 }] });
    const emb = await outcome(() => litellm.embedding({ model: 'text-embedding-3-small', input: ['a', 'b'] } as any));
    record('bridged-stream-embedding', { stream, emb, calls: h.create.mock.calls.slice(-2) });
    expect(stream.ok).toEqual([{ model: 'm', created: 1, choices: [{ delta: { content: 'a', role: undefined, function_call: undefined }, index: 0, finish_reason: null }] }]);
    expect(emb.ok).toEqual({ data: [{ embedding: [1], index: 0 }] });
  });

  it('anthropic with the SDK prompt constants', async () => {
    h.create.mockResolvedValueOnce({ completion: ' Hello!', stop_reason: 'stop_sequence', model: 'claude-instant-1' });
    const got = await outcome(() => litellm.completion({ model: 'claude-instant-1', messages } as any));
    record('bridged-anthropic', { got, call: h.create.mock.calls.at(-1) });
    expect(h.create.mock.calls.at(-1)![0]).toEqual({ model: 'claude-instant-1', max_tokens_to_sample: 300, prompt: '\n\nHuman: Hi\n\nAssistant:' });
    expect(got.ok).toMatchObject({ model: 'claude-instant-1', choices: [{ message: { content: ' Hello!' } }] });
  });
});
