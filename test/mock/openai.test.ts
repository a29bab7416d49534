// OpenAI-compatible routes driven by the real litellm 0.12 (openai v4 SDK, Mistral and DeepInfra fetch paths).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion, embedding } from 'litellm';
import { startMockServer, type MockServer, type MockRequestInfo } from '../../src/mock';
import { collect } from './collect';

const messages = [{ role: 'user' as const, content: 'Say something deterministic' }];
let mock: MockServer;
const seen: MockRequestInfo[] = [];

beforeAll(async () => {
  mock = await startMockServer({ replyTokens: 12, onRequest: (i) => seen.push(i) });
});
afterAll(() => mock.close());

describe('mock server: OpenAI chat completions through litellm', () => {
  it('answers a JSON completion with usage, deterministically', async () => {
    const a: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: mock.url + '/v1', apiKey: 'sk-test', messages });
    const b: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: mock.url + '/v1', apiKey: 'sk-test', messages });
    expect(a.object).toBe('chat.completion');
    expect(a.choices[0].message.role).toBe('assistant');
    expect(a.choices[0].message.content.split(' ')).toHaveLength(12);
    expect(a.choices[0].finish_reason).toBe('stop');
    expect(a.usage).toEqual({ prompt_tokens: 7, completion_tokens: 12, total_tokens: 19 });
    expect(b.choices[0].message.content).toBe(a.choices[0].message.content);
    const other: any = await completion({
      model: 'gpt-3.5-turbo', baseUrl: mock.url + '/v1', apiKey: 'sk-test', messages: [{ role: 'user', content: 'another prompt' }],
    });
    expect(other.choices[0].message.content).not.toBe(a.choices[0].message.content);
    expect(seen.at(-1)).toMatchObject({ route: 'openai.chat', path: '/v1/chat/completions', stream: false });
  });

  it('another seed gives another reply; max_tokens caps it with finish_reason length', async () => {
    const other = await startMockServer({ seed: 7, replyTokens: 12 });
    try {
      const a: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: mock.url + '/v1', apiKey: 'k', messages });
      const b: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: other.url + '/v1', apiKey: 'k', messages });
      expect(b.choices[0].message.content).not.toBe(a.choices[0].message.content);
      const c: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: other.url + '/v1', apiKey: 'k', messages, max_tokens: 3 } as any);
      expect(c.choices[0].message.content).toBe(b.choices[0].message.content.split(' ').slice(0, 3).join(' '));
      expect(c.choices[0].finish_reason).toBe('length');
      expect(c.usage.completion_tokens).toBe(3);
    } finally {
      await other.close();
    }
  });

  it('streams chat.completion.chunk events whose text equals the JSON reply', async () => {
    const full: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: mock.url + '/v1', apiKey: 'k', messages });
    const stream: any = await completion({ model: 'gpt-3.5-turbo', baseUrl: mock.url + '/v1', apiKey: 'k', messages, stream: true });
    const { text, chunks } = await collect(stream);
    expect(text).toBe(full.choices[0].message.content);
    // role delta, 12 tokens, finish
    expect(chunks).toHaveLength(14);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(chunks[1].model).toBe('gpt-3.5-turbo');
  });

  it('groups tokens per event with chunkTokens, and sends usage when stream_options asks', async () => {
    const m = await startMockServer({ replyTokens: 10, chunkTokens: 4 });
    try {
      const res = await fetch(m.url + '/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'x', messages, stream: true, stream_options: { include_usage: true } }),
      });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const events = (await res.text()).split('\n\n').filter(Boolean);
      expect(events.at(-1)).toBe('data: [DONE]');
      const json = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)));
      expect(json.map((j) => j.object)).toEqual(Array(json.length).fill('chat.completion.chunk'));
      const contents = json.slice(1).map((j) => j.choices[0]?.delta?.content).filter((c) => c);
      expect(contents).toHaveLength(3); // 4 + 4 + 2 tokens
      expect(json.at(-1).usage).toEqual({ prompt_tokens: 7, completion_tokens: 10, total_tokens: 17 });
    } finally {
      await m.close();
    }
  });

  it('serves Mistral (/v1/chat/completions on a bare base URL) and DeepInfra (/v1/openai/...) handlers', async () => {
    const mis: any = await completion({ model: 'mistral/mistral-tiny', baseUrl: mock.url, apiKey: 'k', messages });
    expect(seen.at(-1)?.path).toBe('/v1/chat/completions');
    expect(mis.choices[0].message.content.split(' ')).toHaveLength(12);
    const di: any = await completion({ model: 'deepinfra/meta-llama/Llama-2-70b-chat-hf', baseUrl: mock.url, apiKey: 'k', messages });
    expect(seen.at(-1)?.path).toBe('/v1/openai/chat/completions');
    expect(di.choices[0].message.content.split(' ')).toHaveLength(12);
  });

  it('streams to Mistral\'s one-event-per-chunk reader when tokens are paced', async () => {
    const m = await startMockServer({ replyTokens: 5, tokensPerSec: 100 });
    try {
      const full: any = await completion({ model: 'mistral/mistral-tiny', baseUrl: m.url, apiKey: 'k', messages });
      const words: string[] = full.choices[0].message.content.split(' ');
      // litellm 0.12's Mistral reader parses only the first event of each network read, so a stall of
      // the test process that lets two paced writes merge drops a word (litellm's bug, left as it is).
      // Each attempt must be the reply with whole words missing at most; one of three must be whole.
      let whole = false;
      for (let attempt = 0; attempt < 3 && !whole; attempt++) {
        const stream: any = await completion({ model: 'mistral/mistral-tiny', baseUrl: m.url, apiKey: 'k', messages, stream: true });
        const { text } = await collect(stream);
        const got = text.trim().split(/ +/);
        let j = 0;
        for (const w of words) if (got[j] === w) j++;
        expect(j).toBe(got.length);
        whole = text === full.choices[0].message.content;
      }
      expect(whole).toBe(true);
    } finally {
      await m.close();
    }
  });

  it('answers embeddings (the SDK asks for base64 and decodes it) equal to the float encoding', async () => {
    const before = process.env.OPENAI_BASE_URL;
    process.env.OPENAI_BASE_URL = mock.url + '/v1'; // litellm's OpenAI embedding handler passes no baseURL
    try {
      const res: any = await embedding({ model: 'text-embedding-ada-002', input: ['hello', 'world'], apiKey: 'k' } as any);
      expect(seen.at(-1)).toMatchObject({ route: 'openai.embeddings', body: { encoding_format: 'base64' } });
      expect(res.data).toHaveLength(2);
      expect(res.data[0].embedding).toHaveLength(8);
      expect(res.usage.prompt_tokens).toBe(4);
      const raw = await fetch(mock.url + '/v1/embeddings', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'text-embedding-ada-002', input: ['hello', 'world'] }),
      }).then((r) => r.json() as Promise<any>);
      expect(res.data[0].embedding).toEqual(raw.data[0].embedding);
      expect(res.data[1].embedding).not.toEqual(raw.data[0].embedding);
    } finally {
      if (before === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = before;
    }
  });

  it('counts requests per route and connections', async () => {
    const m = await startMockServer();
    try {
      for (let i = 0; i < 3; i++) await completion({ model: 'gpt-3.5-turbo', baseUrl: m.url + '/v1', apiKey: 'k', messages });
      await fetch(m.url + '/health').then((r) => r.text());
      const s = m.stats();
      expect(s.byRoute['openai.chat']).toBe(3);
      expect(s.byRoute.health).toBe(1);
      expect(s.requests).toBe(4);
      expect(s.connectionsOpened).toBeGreaterThanOrEqual(1);
      expect(s.inFlight).toBe(0);
      m.resetStats();
      expect(m.stats().requests).toBe(0);
    } finally {
      await m.close();
    }
  });
});
