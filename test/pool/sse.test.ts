import http from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseDecoder } from '../../src/accelerators/pool';
import { applyAcceleration, removeAcceleration } from '../../src/index';
import { allStats } from '../../src/stats/registry';

// The SSE decoder against the openai SDK's own (_iterSSEMessages), on the same bytes cut at every
// place, and litellm's OpenAI stream plain vs pooled on odd but valid event streams.
const require = createRequire(import.meta.url);
const litellm = require('litellm');
const { _iterSSEMessages } = require(require.resolve('openai/streaming', { paths: [require.resolve('litellm')] }));

const chunk = (content: string, extra = '') => `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]${extra}}`;
const BODIES: Record<string, string> = {
  plain: `data: ${chunk('Hé')}\n\ndata: ${chunk('llo 😀')}\n\ndata: [DONE]\n\n`,
  crlf: `: keep-alive\r\n\r\ndata: ${chunk('a')}\r\n\r\nid: 7\r\nretry: 10\r\ndata:${chunk('b')}\r\n\r\ndata: [DONE]\r\n\r\n`,
  lonecr: `data: ${chunk('x')}\r\rdata: ${chunk('y')}\r\r`,
  multiline: `data: {"id":"c","object":"chat.completion.chunk","created":1,\ndata: "model":"m","choices":[]}\n\nevent:\ndata: ${chunk('z')}\n\n`,
  afterDone: `data: ${chunk('1')}\n\ndata: [DONE]\n\ndata: not json\n\n`,
  noTrailingBlank: `data: ${chunk('1')}\n\ndata: ${chunk('lost')}`,
  errorPayload: `data: ${chunk('1')}\n\ndata: {"error":{"message":"overloaded","type":"server_error"}}\n\n`,
  errorEvent: `data: ${chunk('1')}\n\nevent: error\ndata: {"error":"boom","message":"bad"}\n\n`,
  badJson: `data: ${chunk('1')}\n\ndata: {nope\n\n`,
};

async function sdkMessages(parts: Uint8Array[]) {
  const response = { body: (async function* () { yield* parts; })() };
  const out: unknown[] = [];
  for await (const m of _iterSSEMessages(response, new AbortController())) out.push(m);
  return out;
}

function ourMessages(parts: Uint8Array[]) {
  const d = new SseDecoder();
  const out: unknown[] = [];
  for (const p of parts) out.push(...d.push(p));
  out.push(...d.flush());
  return out;
}

describe('SseDecoder vs the openai SDK decoder', () => {
  for (const [name, text] of Object.entries(BODIES)) {
    it(`${name}: same messages whatever the cut`, async () => {
      const bytes = Buffer.from(text);
      const whole = await sdkMessages([bytes]);
      expect(ourMessages([bytes])).toEqual(whole);
      for (let cut = 1; cut < bytes.length; cut++) {
        const parts = [bytes.subarray(0, cut), bytes.subarray(cut)];
        expect(ourMessages(parts)).toEqual(await sdkMessages(parts));
      }
      const bytewise = [...bytes].map((b) => Uint8Array.of(b));
      expect(ourMessages(bytewise)).toEqual(whole);
    });
  }
});

describe('litellm OpenAI streams, plain vs pooled', () => {
  let srv: http.Server;
  let url: string;
  const closed: string[] = [];
  beforeAll(async () => {
    srv = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const name = String(req.headers.authorization).replace('Bearer ', '');
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        if (name === 'endless') {
          // One event, then silence: only the client closing ends this response.
          res.write(`data: ${chunk('first')}\n\n`);
          res.on('close', () => closed.push(name));
          return;
        }
        // Two writes cut mid-event, so both parsers see a split.
        const body = Buffer.from(BODIES[name]);
        const mid = Math.floor(body.length / 2);
        res.write(body.subarray(0, mid));
        setTimeout(() => res.end(body.subarray(mid)), 2);
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(srv.address() as any).port}/v1`;
  });
  afterAll(async () => {
    await removeAcceleration();
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  });

  async function outcome(name: string) {
    const out: unknown[] = [];
    try {
      const s = await litellm.completion({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'x' }], apiKey: name, baseUrl: url, stream: true });
      for await (const c of s) out.push(c);
      return { out };
    } catch (e: any) {
      const headers = e.headers && { ...e.headers, date: 0 };
      return { out, err: { name: e.constructor.name, message: e.message, status: e.status, error: e.error, headers } };
    }
  }

  it('leaving a stream early aborts the request and frees the socket, plain and pooled', async () => {
    for (const mode of ['off', 'on'] as const) {
      applyAcceleration({ features: { connection_pooling: mode } });
      closed.length = 0;
      const s = await litellm.completion({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'x' }], apiKey: 'endless', baseUrl: url, stream: true });
      for await (const c of s) {
        expect(c.choices[0].delta.content).toBe('first');
        break;
      }
      for (let i = 0; i < 100 && closed.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closed, mode).toEqual(['endless']);
    }
  });

  for (const name of Object.keys(BODIES)) {
    it(name, async () => {
      const errs = console.error;
      console.error = () => {};
      try {
        applyAcceleration({ features: { connection_pooling: 'off' } });
        const plain = await outcome(name);
        applyAcceleration({ features: { connection_pooling: 'on' } });
        const pooled = await outcome(name);
        expect(pooled).toEqual(plain);
      } finally {
        console.error = errs;
      }
    });
  }
});

describe("openai 4's Stream (litellm's copy), plain vs the fast reader", () => {
  const { Stream } = require(require.resolve('openai/streaming', { paths: [require.resolve('litellm')] }));
  afterAll(async () => {
    await removeAcceleration();
  });

  // The SDK marks a stream consumed at the first next(): a second iterator made before any read works.
  it('two iterators, the second read first: its chunks, then the consumed-stream error', async () => {
    const run = async () => {
      const response = { body: (async function* () { yield Buffer.from(BODIES.plain); })(), headers: new Headers() };
      const s = Stream.fromSSEResponse(response, new AbortController());
      const first = s[Symbol.asyncIterator]();
      const second = s[Symbol.asyncIterator]();
      const out: unknown[] = [];
      for (let r = await second.next(); !r.done; r = await second.next()) out.push(r.value.choices[0].delta.content);
      const err = await first.next().then(() => undefined, (e: Error) => `${e.constructor.name}: ${e.message}`);
      return { out, err };
    };
    applyAcceleration({ features: { streaming: 'off' } });
    const plain = await run();
    applyAcceleration({ features: { streaming: 'on' } });
    const fastReads = () => allStats().filter((x) => x.component === 'openai.Stream.fromSSEResponse').reduce((n, x) => n + x.accelerated, 0);
    const before = fastReads();
    const fast = await run();
    expect(fastReads()).toBeGreaterThan(before);
    expect(plain.out).toEqual(['Hé', 'llo 😀']);
    expect(plain.err).toContain('consumed stream');
    expect(fast).toEqual(plain);
  });
});
