import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { collect, outcome, record, stubRequire } from './observe';

// The jest way (litellm's own index.test.ts does it): `openai` and `@anthropic-ai/sdk` replaced by
// mock constructors in require.cache before litellm loads, a test double per test. None of these
// doubles is the SDK: plain objects, no `fetch`, async iterables, promises that are not APIPromise.

const MockOpenAI = vi.fn();
const MockAnthropic = vi.fn();
let litellm: typeof import('litellm');

beforeAll(async () => {
  stubRequire('openai', MockOpenAI);
  stubRequire('@anthropic-ai/sdk', MockAnthropic);
  litellm = await import('litellm');
});
beforeEach(() => {
  MockOpenAI.mockReset();
  MockAnthropic.mockReset();
});

const messages = [{ role: 'user' as const, content: 'How are you' }];
const answer = (model: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1700000000,
  model,
  choices: [{ index: 0, message: { role: 'assistant', content: 'fine, thanks' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
});
const chunk = (content: string | null, finish: string | null = null) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1700000000,
  model: 'gpt-3.5-turbo',
  choices: [{ index: 0, delta: { role: 'assistant', content }, finish_reason: finish }],
});
async function* chunks() {
  yield chunk('fine');
  yield chunk(', thanks');
  yield chunk(null, 'stop');
}
/** An async iterable that is not a generator. */
const iterableOf = (items: unknown[]) => ({
  [Symbol.asyncIterator]() {
    let i = 0;
    return {
      next: async () => (i < items.length ? { value: items[i++], done: false } : { value: undefined, done: true }),
    };
  },
});
const client = (create: (...a: any[]) => unknown, extra: Record<string, unknown> = {}) => ({
  chat: { completions: { create: vi.fn(create) } },
  ...extra,
});

/** One completion through litellm, everything the app can see of it recorded. */
async function run(name: string, params: Record<string, unknown>) {
  const got = await outcome(async () => {
    const r: any = await litellm.completion(params as any);
    return params.stream ? { chunks: await collect(r) } : r;
  });
  const created = MockOpenAI.mock.results.map((r) => r.value);
  record(name, {
    got,
    constructed: MockOpenAI.mock.calls,
    created: created.map((c: any) => c?.chat?.completions?.create?.mock.calls),
  });
  return { got, created };
}

describe('openai doubles', () => {
  it('plain object client, async create, no stream', async () => {
    MockOpenAI.mockImplementation(() => client(async (p: any) => answer(p.model)));
    const { got } = await run('openai-plain', { model: 'gpt-3.5-turbo', messages, apiKey: 'sk-test' });
    expect(got).toEqual({ ok: answer('gpt-3.5-turbo') });
    expect(MockOpenAI).toHaveBeenCalledTimes(1);
    expect(MockOpenAI).toHaveBeenCalledWith({ apiKey: 'sk-test', baseURL: 'https://api.openai.com/v1' });
  });

  it('a new client per call, as litellm builds one per call', async () => {
    MockOpenAI.mockImplementation(() => client(async (p: any) => answer(p.model)));
    for (let i = 0; i < 3; i++) await run(`openai-per-call-${i}`, { model: 'gpt-4', messages, apiKey: 'sk-test' });
    expect(MockOpenAI).toHaveBeenCalledTimes(3);
  });

  it('stream from an async generator', async () => {
    MockOpenAI.mockImplementation(() => client(async () => chunks()));
    const { got, created } = await run('openai-stream-generator', { model: 'gpt-3.5-turbo', messages, stream: true });
    expect((got.ok as any).chunks.map((c: any) => c.choices[0].delta.content)).toEqual(['fine', ', thanks', null]);
    expect((created[0] as any).chat.completions.create).toHaveBeenCalledWith({ model: 'gpt-3.5-turbo', messages, stream: true });
  });

  it('stream from an async iterable that is not a generator, returned without a promise', async () => {
    MockOpenAI.mockImplementation(() => client(() => iterableOf([chunk('a'), chunk('b', 'stop')])));
    const { got } = await run('openai-stream-iterable', { model: 'gpt-3.5-turbo', messages, stream: true });
    expect((got.ok as any).chunks).toHaveLength(2);
  });

  it('create returns a thenable that is not a Promise', async () => {
    const value = answer('gpt-3.5-turbo');
    MockOpenAI.mockImplementation(() => client(() => ({ then: (resolve: (v: unknown) => void) => resolve(value) })));
    const { got } = await run('openai-thenable', { model: 'gpt-3.5-turbo', messages });
    expect(got).toEqual({ ok: value });
  });

  it('a promise that looks like an APIPromise but is not one (responsePromise with no body)', async () => {
    const fake = () => Object.assign(Promise.resolve(chunks()), {
      responsePromise: Promise.resolve({ response: { headers: {} }, controller: new AbortController() }),
    });
    MockOpenAI.mockImplementation(() => client(fake));
    const { got } = await run('openai-fake-apipromise', { model: 'gpt-3.5-turbo', messages, stream: true });
    expect((got.ok as any).chunks).toHaveLength(3);
  });

  it('a client with a mocked fetch of its own: never called, since create is mocked', async () => {
    const fetch = vi.fn();
    MockOpenAI.mockImplementation(() => client(async (p: any) => answer(p.model), { fetch }));
    const { got } = await run('openai-own-fetch', { model: 'gpt-3.5-turbo', messages });
    expect(got).toEqual({ ok: answer('gpt-3.5-turbo') });
    expect(fetch).not.toHaveBeenCalled();
    expect(MockOpenAI.mock.results[0].value.fetch).toBe(fetch);
  });

  it('create rejects: the very error reaches the app, create called once', async () => {
    const err = Object.assign(new Error('Rate limit reached'), { status: 429 });
    MockOpenAI.mockImplementation(() => client(async () => Promise.reject(err)));
    const { got, created } = await run('openai-rejects', { model: 'gpt-3.5-turbo', messages });
    expect(got.threw).toBe(err);
    expect((created[0] as any).chat.completions.create).toHaveBeenCalledTimes(1);
  });

  it('create throws synchronously: a rejection with that error', async () => {
    const err = new TypeError('boom');
    MockOpenAI.mockImplementation(() => client(() => {
      throw err;
    }));
    const { got } = await run('openai-throws', { model: 'gpt-3.5-turbo', messages, stream: true });
    expect(got.threw).toBe(err);
  });

  it('litellm index.test.ts shape: create returns undefined, stream', async () => {
    MockOpenAI.mockImplementation(() => client(() => undefined));
    const r = await outcome(() => litellm.completion({ model: 'gpt-3.5-turbo', messages: [], stream: true } as any));
    record('openai-undefined-stream-call', r);
    expect(r.threw).toBeUndefined();
    const iterated = await outcome(() => collect(r.ok));
    record('openai-undefined-stream-iterate', iterated);
    expect(iterated.threw).toBeInstanceOf(TypeError);
  });

  it('embedding through a plain object client', async () => {
    const create = vi.fn(async (p: any) => ({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5, -0.25] }], model: p.model }));
    MockOpenAI.mockImplementation(() => ({ embeddings: { create } }));
    const got = await outcome(() => litellm.embedding({ model: 'text-embedding-ada-002', input: 'hello', apiKey: 'sk-test' } as any));
    record('openai-embedding', { got, constructed: MockOpenAI.mock.calls, calls: create.mock.calls });
    expect(got.ok).toEqual({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5, -0.25] }], model: 'text-embedding-ada-002' });
    expect(create).toHaveBeenCalledWith({ input: 'hello', model: 'text-embedding-ada-002' });
    expect(MockOpenAI).toHaveBeenCalledWith({ apiKey: 'sk-test' });
  });
});

describe('anthropic doubles', () => {
  const anthropic = (create: (...a: any[]) => unknown) => ({ completions: { create: vi.fn(create) } });
  const runA = async (name: string, params: Record<string, unknown>) => {
    const got = await outcome(async () => {
      const r: any = await litellm.completion(params as any);
      return params.stream ? { chunks: await collect(r) } : r;
    });
    const calls = MockAnthropic.mock.results.map((r: any) => r.value?.completions?.create?.mock.calls);
    record(name, { got, constructed: MockAnthropic.mock.calls, calls });
    return { got, calls };
  };

  it('no stream: litellm shapes the answer and counts its tokens', async () => {
    MockAnthropic.mockImplementation(() => anthropic(async () => ({ completion: ' I am fine, thank you.', stop_reason: 'stop_sequence', model: 'claude-2' })));
    const { got, calls } = await runA('anthropic-plain', { model: 'claude-2', messages, apiKey: 'sk-ant' });
    expect(got.ok).toMatchObject({ choices: [{ message: { content: ' I am fine, thank you.', role: 'assistant' }, finish_reason: 'stop' }] });
    expect((got.ok as any).usage.completion_tokens).toBeGreaterThan(0);
    // The jest-style mock has no HUMAN_PROMPT/AI_PROMPT statics: litellm's prompt says "undefined".
    expect(calls[0][0][0]).toMatchObject({ model: 'claude-2', prompt: 'undefined How are youundefined' });
  });

  it('stream from an async generator', async () => {
    async function* parts() {
      yield { completion: 'I am', stop_reason: null, model: 'claude-2' };
      yield { completion: ' fine', stop_reason: 'max_tokens', model: 'claude-2' };
    }
    MockAnthropic.mockImplementation(() => anthropic(async () => parts()));
    const { got } = await runA('anthropic-stream', { model: 'claude-2', messages, stream: true });
    expect((got.ok as any).chunks.map((c: any) => c.choices[0].finish_reason)).toEqual(['stop', 'length']);
  });

  it('create rejects: the very error reaches the app', async () => {
    const err = Object.assign(new Error('overloaded'), { status: 529 });
    MockAnthropic.mockImplementation(() => anthropic(async () => Promise.reject(err)));
    const { got, calls } = await runA('anthropic-rejects', { model: 'claude-2', messages });
    expect(got.threw).toBe(err);
    expect(calls[0]).toHaveLength(1);
  });
});
