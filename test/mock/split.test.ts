// Lines and UTF-8 characters cut across network chunks reach the client cut.
import { describe, expect, it } from 'vitest';
import { completion } from 'litellm';
import { startMockServer } from '../../src/mock';
import { collect } from './collect';

const messages = [{ role: 'user' as const, content: 'split me' }];

async function rawChunks(url: string, body: unknown): Promise<Uint8Array[]> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  const chunks: Uint8Array[] = [];
  for await (const c of res.body as any) chunks.push(c);
  return chunks;
}

const text = async (stream: AsyncIterable<any>): Promise<string> => (await collect(stream)).text;

describe('mock server: split lines and characters', () => {
  it('splitLines: NDJSON lines arrive cut mid-line, and rejoined they are the unsplit body', async () => {
    const plain = await startMockServer({ replyTokens: 6 });
    const split = await startMockServer({ replyTokens: 6, splitLines: true, tokensPerSec: 100 });
    try {
      const body = { model: 'llama2', prompt: 'split me' };
      const a = await rawChunks(plain.url + '/api/generate', body);
      const b = await rawChunks(split.url + '/api/generate', body);
      const dec = (cs: Uint8Array[]) => Buffer.concat(cs).toString('utf8').trim().split('\n').map((l) => JSON.parse(l).response);
      expect(dec(b)).toEqual(dec(a));
      const cutMidLine = b.filter((c) => c[c.length - 1] !== 0x0a);
      expect(cutMidLine.length).toBeGreaterThan(0);
    } finally {
      await plain.close();
      await split.close();
    }
  });

  it("plain litellm's Ollama stream reader throws on a line split across chunks (known litellm 0.12 bug)", async () => {
    const m = await startMockServer({ replyTokens: 6, splitLines: true, tokensPerSec: 100 });
    try {
      const stream: any = await completion({ model: 'ollama/llama2', baseUrl: m.url, messages, stream: true });
      await expect(text(stream)).rejects.toThrow(SyntaxError);
    } finally {
      await m.close();
    }
  });

  it('openai v4 (through litellm) reassembles split SSE lines: same text as unsplit', async () => {
    const plain = await startMockServer({ replyTokens: 10 });
    const split = await startMockServer({ replyTokens: 10, splitLines: true });
    try {
      const a = await text(await (completion({ model: 'gpt-4', baseUrl: plain.url + '/v1', apiKey: 'k', messages, stream: true }) as any));
      const b = await text(await (completion({ model: 'gpt-4', baseUrl: split.url + '/v1', apiKey: 'k', messages, stream: true }) as any));
      expect(b).toBe(a);
      expect(a.split(' ')).toHaveLength(10);
    } finally {
      await plain.close();
      await split.close();
    }
  });

  it('splitUtf8: a chunk ends inside a multi-byte character; SDKs still decode the exact text', async () => {
    const m = await startMockServer({ replyTokens: 8, splitUtf8: true, tokensPerSec: 100 });
    try {
      const chunks = await rawChunks(m.url + '/v1/chat/completions', { model: 'gpt-4', messages, stream: true });
      const fatal = new TextDecoder('utf-8', { fatal: true });
      const broken = chunks.filter((c) => {
        try {
          fatal.decode(c);
          return false;
        } catch {
          return true;
        }
      });
      expect(broken.length).toBeGreaterThan(0);
      const whole = Buffer.concat(chunks).toString('utf8');
      const expected = whole.split('\n\n').filter((e) => e.startsWith('data: {'))
        .map((e) => JSON.parse(e.slice(6)).choices[0]?.delta?.content ?? '').join('');
      expect(expected).toMatch(/[^\x00-\x7f]/);
      const got = await text(await (completion({ model: 'gpt-4', baseUrl: m.url + '/v1', apiKey: 'k', messages, stream: true }) as any));
      expect(got).toBe(expected);
    } finally {
      await m.close();
    }
  });
});
