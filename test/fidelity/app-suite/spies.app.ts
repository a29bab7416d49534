import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import OpenAIFromImport from 'openai';
import { completion, embedding } from 'litellm';
import { collect, outcome, record } from './observe';

// The other way app suites mock: the real SDKs, with their methods spied on (vi.spyOn on the
// prototypes), and a stubbed global fetch for the providers litellm reaches with fetch (Ollama,
// Mistral). No request leaves the process.
// Both SDKs ship a CommonJS and an ESM build: vitest's `import` gets the ESM classes, litellm's
// require() the CommonJS ones, so a spy on the imported class's prototype never sees litellm's
// calls. Spies that should, go on the copy litellm requires.
const requireLikeLitellm = createRequire(createRequire(__filename).resolve('litellm'));
const OpenAI = requireLikeLitellm('openai') as typeof OpenAIFromImport;
const Anthropic = requireLikeLitellm('@anthropic-ai/sdk') as typeof import('@anthropic-ai/sdk').default;

it('the imported openai is the ESM build, another class than the one litellm requires', () => {
  expect(OpenAIFromImport).not.toBe(OpenAI);
  expect(OpenAIFromImport.Chat.Completions).not.toBe(OpenAI.Chat.Completions);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

const messages = [{ role: 'user' as const, content: 'Why is the sky blue?' }];

describe('vi.spyOn on the real SDKs', () => {
  it('openai chat, no stream and stream', async () => {
    const spy = vi.spyOn(OpenAI.Chat.Completions.prototype, 'create');
    spy.mockResolvedValueOnce({ id: 'c1', choices: [{ index: 0, message: { role: 'assistant', content: 'Rayleigh' } }] } as any);
    const plain = await outcome(() => completion({ model: 'gpt-4o', messages, apiKey: 'sk-test' } as any));
    spy.mockImplementationOnce((async function* () {
      yield { model: 'gpt-4o', created: 5, choices: [{ index: 0, delta: { content: 'Ray' }, finish_reason: null }] };
    }) as any);
    const streamed = await outcome(async () => collect(await completion({ model: 'gpt-4o', messages, stream: true, apiKey: 'sk-test' } as any)));
    record('spy-openai-chat', { plain, streamed, calls: spy.mock.calls });
    expect(plain.ok).toEqual({ id: 'c1', choices: [{ index: 0, message: { role: 'assistant', content: 'Rayleigh' } }] });
    expect(streamed.ok).toHaveLength(1);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('openai embeddings', async () => {
    const spy = vi.spyOn(OpenAI.Embeddings.prototype, 'create').mockResolvedValue({ data: [{ embedding: [0.1], index: 0 }] } as any);
    const got = await outcome(() => embedding({ model: 'text-embedding-ada-002', input: 'sky', apiKey: 'sk-test' } as any));
    record('spy-openai-embedding', { got, calls: spy.mock.calls });
    expect(got.ok).toEqual({ data: [{ embedding: [0.1], index: 0 }] });
  });

  it('anthropic completions', async () => {
    const spy = vi.spyOn(Anthropic.Completions.prototype, 'create').mockResolvedValue({ completion: ' Scattering.', stop_reason: 'stop_sequence', model: 'claude-2' } as any);
    const got = await outcome(() => completion({ model: 'claude-2', messages, apiKey: 'sk-ant' } as any));
    record('spy-anthropic', { got, calls: spy.mock.calls });
    expect(got.ok).toMatchObject({ model: 'claude-2', choices: [{ message: { content: ' Scattering.' } }] });
  });
});

const ndjson = (parts: string[]) => parts.map((p, i) => JSON.stringify({ model: 'llama2', response: p, done: i === parts.length - 1 })).join('\n') + '\n';

describe('a stubbed global fetch', () => {
  it('ollama completion, no stream and stream, from Response objects', async () => {
    const fetch = vi.fn(async () => new Response(ndjson(['Light', ' scatters.'])));
    vi.stubGlobal('fetch', fetch);
    const whole = await outcome(() => completion({ model: 'ollama/llama2', messages, baseUrl: 'http://ollama.invalid' } as any));
    const streamed = await outcome(async () => collect(await completion({ model: 'ollama/llama2', messages, stream: true } as any)));
    record('fetch-ollama', { whole, streamed, calls: fetch.mock.calls });
    expect(whole.ok).toMatchObject({ choices: [{ message: { content: 'Light scatters.' } }] });
    expect(streamed.ok).toHaveLength(2);
    expect(fetch.mock.calls.map((c: any[]) => c[0])).toEqual(['http://ollama.invalid/api/generate', 'http://127.0.0.1:11434/api/generate']);
  });

  it('ollama embedding from an object that is not a Response', async () => {
    const fetch = vi.fn(async () => ({ ok: true, status: 200, json: async () => ({ embedding: [3, 4] }) }));
    vi.stubGlobal('fetch', fetch);
    const got = await outcome(() => embedding({ model: 'ollama/llama2', input: ['sky', 'blue'] } as any));
    record('fetch-ollama-embedding', { got, calls: fetch.mock.calls });
    expect(got.ok).toMatchObject({ data: [{ embedding: [3, 4], index: 0 }], model: 'llama2' });
  });

  it('mistral through vi.spyOn(globalThis, "fetch")', async () => {
    const spy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ id: 'm1', choices: [] })));
    const got = await outcome(() => completion({ model: 'mistral/mistral-tiny', messages, apiKey: 'mk' } as any));
    record('fetch-mistral', { got, calls: spy.mock.calls });
    expect(got.ok).toEqual({ id: 'm1', choices: [] });
  });

  it('a fetch that rejects: the very error', async () => {
    const err = new TypeError('fetch failed');
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(err)));
    const got = await outcome(() => completion({ model: 'ollama/llama2', messages } as any));
    record('fetch-rejects', got);
    expect(got.threw).toBe(err);
  });
});
