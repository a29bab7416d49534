import http from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherRegistry, createPooledFetch, type FetchLike } from '../../src/accelerators/pool';
import { type MockServer, startMockServer } from '../../src/mock';

// createPooledFetch({ lineChunks }): for the content types it picks, every body chunk ends at '\n',
// so litellm's Ollama reader (a new TextDecoder and JSON.parse per network chunk) reads lines split
// across network chunks (mock splitLines) and characters split inside (mock splitUtf8) right.
const require = createRequire(import.meta.url);
const { OllamaHandler } = require('litellm/dist/src/handlers/ollama');

/** The answer's lines without what differs by design between two mocks (timestamps, durations). */
const answer = (text: string) => text.split('\n').filter(Boolean).map((l) => {
  const { created_at: _, total_duration: _t, eval_duration: _e, ...rest } = JSON.parse(l);
  return rest;
});

const isNdjson = (type: string | undefined) => type === 'application/x-ndjson';
const registry = new DispatcherRegistry({ connections: 4 });
const lined = createPooledFetch({ registry, fallback: fetch, lineChunks: isNdjson });
const linedWeb = createPooledFetch({ registry, fallback: fetch, lineChunks: isNdjson, response: 'web' });
const unlined = createPooledFetch({ registry, fallback: fetch });
const messages = [{ role: 'user', content: 'split me' }];

let whole: MockServer;
let split: Record<'lines' | 'utf8', MockServer>;

beforeAll(async () => {
  whole = await startMockServer({ replyTokens: 12, unicode: true });
  split = {
    lines: await startMockServer({ replyTokens: 12, unicode: true, tokensPerSec: 400, splitLines: true }),
    utf8: await startMockServer({ replyTokens: 12, unicode: true, tokensPerSec: 400, splitUtf8: true }),
  };
});

afterAll(async () => {
  await registry.close();
  for (const m of [whole, split.lines, split.utf8]) await m.close();
});

const generate = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'llama2', prompt: 'split me' }) };

async function chunks(f: FetchLike, url: string, how: 'reader' | 'iterate'): Promise<Uint8Array[]> {
  const res = await f(`${url}/api/generate`, generate);
  const out: Uint8Array[] = [];
  if (how === 'iterate') for await (const c of res.body) out.push(c);
  else {
    const reader = res.body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
  }
  return out;
}

/** litellm's Ollama handler with `fetch` as the global fetch for its synchronous part (as the shim does). */
async function ollama(f: FetchLike, url: string, stream: boolean): Promise<unknown> {
  const saved = globalThis.fetch;
  globalThis.fetch = f as typeof fetch;
  let p: Promise<any>;
  try {
    p = OllamaHandler({ model: 'ollama/llama2', messages, baseUrl: url, stream });
  } finally {
    globalThis.fetch = saved;
  }
  try {
    const r = await p;
    if (!stream) return r.choices[0].message.content;
    let text = '';
    for await (const c of r) text += c.choices[0].delta.content;
    return text;
  } catch (e: any) {
    return `${e.constructor.name}: ${e.message}`;
  }
}

describe('lineChunks', () => {
  for (const kind of ['lines', 'utf8'] as const) {
    for (const how of ['reader', 'iterate'] as const) {
      it(`split${kind === 'lines' ? 'Lines' : 'Utf8'}, ${how}: every chunk ends at a newline and decodes alone`, async () => {
        const ref = answer(Buffer.concat(await chunks(fetch, whole.url, how)).toString());
        for (const f of [lined, linedWeb]) {
          const got = await chunks(f, split[kind].url, how);
          expect(got.length).toBeGreaterThan(1);
          for (const c of got) expect(c[c.length - 1]).toBe(10);
          const decoded = got.map((c) => new TextDecoder().decode(c));
          expect(decoded.join('')).not.toContain('\uFFFD');
          for (const d of decoded) for (const line of d.split('\n').filter(Boolean)) JSON.parse(line);
          expect(answer(Buffer.concat(got).toString())).toEqual(ref);
        }
        // Without the option the same stream arrives cut mid-line (else this test could not fail).
        const raw = await chunks(unlined, split[kind].url, how);
        expect(raw.some((c) => c[c.length - 1] !== 10)).toBe(true);
      });
    }

    it(`litellm's own Ollama reader over split${kind === 'lines' ? 'Lines' : 'Utf8'}: the unsplit answer (plain fetch: wrong)`, async () => {
      for (const stream of [false, true]) {
        const ref = await ollama(fetch, whole.url, stream);
        expect(typeof ref).toBe('string');
        expect(await ollama(lined, split[kind].url, stream)).toBe(ref);
        expect(await ollama(fetch, split[kind].url, stream)).not.toBe(ref);
      }
    });
  }

  it('other content types keep their chunks as they came', async () => {
    const sse = createPooledFetch({ registry, fallback: fetch, lineChunks: (t) => t === 'text/event-stream' });
    const raw = await chunks(sse, split.lines.url, 'reader');
    expect(raw.some((c) => c[c.length - 1] !== 10)).toBe(true);
  });
});

describe('lineChunks timing and failures', () => {
  let srv: http.Server;
  let url: string;
  let step: (() => void) | undefined;
  beforeAll(async () => {
    srv = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"a":1}\n');
      // The next bytes only after the client has read the first line: a held complete line would hang here.
      step = () => {
        res.write('{"b":');
        setTimeout(() => {
          res.write('2}\n{"c"');
          setTimeout(() => (req.url === '/cut' ? res.socket!.destroy() : res.end(':3}')), 20);
        }, 20);
      };
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(srv.address() as any).port}`;
  });
  afterAll(async () => {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  });

  it('a complete line is never held; a partial one waits for its end; the last line comes at the end', async () => {
    const reader = (await lined(`${url}/ok`)).body.getReader();
    const got: string[] = [];
    const first = await reader.read();
    got.push(Buffer.from(first.value).toString());
    step!();
    for (let r = await reader.read(); !r.done; r = await reader.read()) got.push(Buffer.from(r.value).toString());
    expect(got).toEqual(['{"a":1}\n', '{"b":2}\n', '{"c":3}']);
  });

  it('a body cut mid-line: the held bytes first, then the same error as plain fetch', async () => {
    const run = async (f: FetchLike) => {
      const reader = (await f(`${url}/cut`)).body.getReader();
      const got: string[] = [];
      await reader.read();
      step!();
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) got.push(Buffer.from(r.value).toString());
        return { got };
      } catch (e: any) {
        return { bytes: got.join(''), error: [e.constructor.name, e.message, e.cause?.code] };
      }
    };
    const plain = await run(fetch);
    const pooled = await run(lined);
    expect(pooled).toEqual(plain);
    expect(pooled.error).toEqual(['TypeError', 'terminated', 'UND_ERR_SOCKET']);
  });
});
