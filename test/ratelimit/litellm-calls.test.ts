import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { applyAcceleration, removeAcceleration } from '../../src/index';
import { loadConfig, setConfig, type Config } from '../../src/config';
import { OutOfRangeError } from '../../src/errors';
import { RateLimitError } from '../../src/accelerators/ratelimit';
import { closeLimits } from '../../src/shims/ratelimit';

// Real litellm 0.12 through the shim, over loopback HTTP: what a call does when the limits cannot be
// enforced, when the provider reports odd usage, and how a stream's tokens are counted.
const require = createRequire(__filename);
const litellm = require('litellm');
const messages = [{ role: 'user', content: 'Say something about rate limits' }];

let mock: MockServer;
let served = 0;
let odd: Server;
let oddUrl = '';
let oddTotal = '12.5';

beforeAll(async () => {
  mock = await startMockServer({ replyTokens: 12, onRequest: () => served++ });
  // A provider whose usage.total_tokens is whatever the test says (raw JSON text: 1e400 parses to Infinity).
  odd = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(`{"id":"c1","object":"chat.completion","created":1,"model":"gpt-3.5-turbo","choices":[{"index":0,` +
        `"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],` +
        `"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":${oddTotal}}}`);
    });
  });
  await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
  oddUrl = `http://127.0.0.1:${(odd.address() as { port: number }).port}/v1`;
});
afterAll(async () => {
  await closeLimits();
  await removeAcceleration();
  await mock?.close();
  await new Promise((r) => odd?.close(r));
});

function limits(rateLimit: Partial<Config['rateLimit']>): void {
  const cfg = loadConfig({});
  setConfig({ ...cfg, rateLimit: { ...cfg.rateLimit, ...rateLimit } });
  applyAcceleration({ features: { rate_limiting: 'on' } });
}

const call = (extra: object = {}): Promise<any> =>
  litellm.completion({ model: 'gpt-3.5-turbo', baseUrl: mock.url + '/v1', apiKey: 'sk-one', messages, ...extra });

describe('limits that cannot be enforced', () => {
  it('maxParallel 70000 (past what the limiter holds): every call fails with the error, none goes through unlimited', async () => {
    limits({ rpm: 2, maxParallel: 70_000 }); // set past the config's own checks, as a stale table would
    const before = served;
    for (let i = 0; i < 12; i++) {
      const err = await call().catch((e) => e);
      expect(err).toBeInstanceOf(OutOfRangeError);
      expect(err.message).toBe('CallLimits: perPair: maxParallel: invalid value 70000; accepted: an integer from 1 to 65535');
    }
    expect(served).toBe(before);
  });
});

describe('odd usage reported by a provider', () => {
  it.each(['12.5', '-3', '"NaN"', 'null', '1e400', '{}'])('total_tokens %s: the call succeeds and its slot is released', async (total) => {
    limits({ tpm: 100_000, maxParallel: 1 });
    oddTotal = total;
    for (let i = 0; i < 3; i++) {
      const r = await litellm.completion({ model: 'gpt-3.5-turbo', baseUrl: oddUrl, apiKey: 'sk-odd', messages });
      expect(r.choices[0].message.content).toBe('hi');
    }
  });
});

describe('tpm on streams', () => {
  const ollama = (stream: boolean): Promise<any> =>
    litellm.completion({ model: 'ollama/llama2', baseUrl: mock.url, messages, stream });

  async function admittedUntilDenied(stream: boolean): Promise<number> {
    limits({ tpm: 200 });
    for (let n = 0; n < 100; n++) {
      let r: any;
      try {
        r = await ollama(stream);
      } catch (err) {
        expect(err).toBeInstanceOf(RateLimitError);
        expect((err as RateLimitError).limitType).toBe('tokens');
        return n;
      }
      if (stream) {
        let text = '';
        for await (const c of r) text += c.choices[0]?.delta?.content ?? '';
        expect(text.split(' ').length).toBe(12);
      }
    }
    return 100;
  }

  it('an Ollama stream counts its whole answer (each chunk carries prompt + that chunk), as a whole answer does', async () => {
    const whole = await admittedUntilDenied(false);
    const streams = await admittedUntilDenied(true);
    expect(whole).toBeGreaterThan(2);
    expect(Math.abs(streams - whole)).toBeLessThanOrEqual(1);
  });
});
