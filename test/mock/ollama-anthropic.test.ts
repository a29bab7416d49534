// Ollama and Anthropic routes driven by the real litellm 0.12.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { completion, embedding } from 'litellm';
import { startMockServer, type MockServer, type MockRequestInfo } from '../../src/mock';
import { collect } from './collect';
import { redirectAnthropicSdk } from '../../src/mock/redirect';

const messages = [{ role: 'user' as const, content: 'Tell me about loopback' }];
let mock: MockServer;
const seen: MockRequestInfo[] = [];

beforeAll(async () => {
  mock = await startMockServer({ replyTokens: 9, onRequest: (i) => seen.push(i) });
});
afterAll(() => mock.close());

describe('mock server: Ollama through litellm', () => {
  it('streams NDJSON to litellm, which sends no `stream` field (Ollama default = stream)', async () => {
    const res: any = await completion({ model: 'ollama/llama2', baseUrl: mock.url, messages });
    expect(seen.at(-1)).toMatchObject({ route: 'ollama.generate', stream: true, body: { model: 'llama2', prompt: 'Tell me about loopback' } });
    expect((seen.at(-1)!.body as any).stream).toBeUndefined();
    expect(res.choices[0].message.content.split(' ')).toHaveLength(9);
    expect(res.usage.completion_tokens).toBeGreaterThan(0);
    const stream: any = await completion({ model: 'ollama/llama2', baseUrl: mock.url, messages, stream: true });
    const { text, chunks } = await collect(stream);
    expect(text).toBe(res.choices[0].message.content);
    expect(chunks).toHaveLength(10); // 9 tokens + the final `done` line
  });

  it('answers a single JSON object when stream is false, with the same text and counts', async () => {
    const streamed: any = await completion({ model: 'ollama/llama2', baseUrl: mock.url, messages });
    const r = await fetch(mock.url + '/api/generate', {
      method: 'POST', body: JSON.stringify({ model: 'llama2', prompt: 'Tell me about loopback', stream: false }),
    });
    expect(r.headers.get('content-type')).toBe('application/json');
    const body: any = await r.json();
    expect(body).toMatchObject({ model: 'llama2', done: true, eval_count: 9, prompt_eval_count: 6 });
    expect(body.response).toBe(streamed.choices[0].message.content);
  });

  it('serves /api/embeddings (litellm sends no content-type there)', async () => {
    const a: any = await embedding({ model: 'ollama/nomic-embed-text', baseUrl: mock.url, input: 'abc' } as any);
    const b: any = await embedding({ model: 'ollama/nomic-embed-text', baseUrl: mock.url, input: 'abd' } as any);
    expect(seen.at(-1)).toMatchObject({ route: 'ollama.embeddings', body: { prompt: 'abd' } });
    expect(a.data[0].embedding).toHaveLength(8);
    expect(a.data[0].embedding).not.toEqual(b.data[0].embedding);
    const norm = Math.hypot(...a.data[0].embedding);
    expect(norm).toBeCloseTo(1, 5);
  });
});

describe('mock server: Anthropic completions (@anthropic-ai/sdk 0.6) through litellm', () => {
  let undo: () => void;
  beforeAll(() => {
    // litellm passes no base URL to the SDK and the SDK 0.6 reads no ANTHROPIC_BASE_URL.
    undo = redirectAnthropicSdk(mock.url);
  });
  afterAll(() => undo());

  it('answers /v1/complete as JSON and as `event: completion` SSE', async () => {
    const res: any = await completion({ model: 'claude-2', apiKey: 'sk-ant-test', messages });
    expect(seen.at(-1)).toMatchObject({ route: 'anthropic.complete', path: '/v1/complete', body: { max_tokens_to_sample: 300 } });
    expect((seen.at(-1)!.body as any).prompt).toBe('\n\nHuman: Tell me about loopback\n\nAssistant:');
    expect(res.model).toBe('claude-2');
    expect(res.choices[0].message.content.split(' ')).toHaveLength(9);
    expect(res.choices[0].finish_reason).toBe('stop');
    const stream: any = await completion({ model: 'claude-2', apiKey: 'sk-ant-test', messages, stream: true });
    const { text, chunks } = await collect(stream);
    expect(text).toBe(res.choices[0].message.content);
    expect(chunks).toHaveLength(10);
  });

  it('removing the redirect puts the SDK default back', async () => {
    // The CommonJS build litellm loads (a dynamic import here would load the separate ESM build).
    const req = createRequire(createRequire(__filename).resolve('litellm'));
    const Anthropic = req('@anthropic-ai/sdk');
    undo();
    expect(new Anthropic({ apiKey: 'x' }).baseURL).toBe('https://api.anthropic.com');
    undo = redirectAnthropicSdk(mock.url);
    expect(new Anthropic({ apiKey: 'x' }).baseURL).toBe(mock.url);
    expect(new Anthropic({ apiKey: 'x', baseURL: 'http://127.0.0.1:1' }).baseURL).toBe('http://127.0.0.1:1');
  });
});
