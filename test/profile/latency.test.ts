// `profile latency` end-to-end against the mock server: reported figures vs what the mock was told.
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock';
import { binomialBounds, profile } from './helpers';

let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe('fast-litellm profile latency', () => {
  it('reports TTFB/TTFT near the mock ttft, generation rate near its token rate, usage tokens', async () => {
    mock = await startMockServer({ ttftMs: 40, tokensPerSec: 200, replyTokens: 20 });
    const r = await profile(['latency', '--url', mock.url, '--iterations', '6', '--warmup', '1', '--json']);
    expect(r.code).toBe(0);
    const s = r.doc.summary;
    expect(r.doc.measurements).toHaveLength(6);
    expect(s.success_rate).toBe(1);
    expect(s.ttft_ms.median).toBeGreaterThanOrEqual(39);
    expect(s.ttft_ms.median).toBeLessThan(40 + 60);
    expect(s.ttfb_ms.median).toBeGreaterThanOrEqual(39);
    expect(s.ttfb_ms.median).toBeLessThanOrEqual(s.ttft_ms.median);
    // 20 tokens: first at ttft, then 19 more at 200/s = 95 ms
    expect(s.latency_ms.min).toBeGreaterThanOrEqual(40 + 95 - 2);
    expect(s.decode_tokens_per_sec.median).toBeLessThanOrEqual(200 * 1.05);
    expect(s.decode_tokens_per_sec.median).toBeGreaterThan(200 * 0.6);
    expect(r.doc.measurements.every((m: any) => m.tokens === 20 && m.tokens_source === 'usage')).toBe(true);
    expect(s.total_tokens).toBe(120);
    expect(s.mean_latency_ms).toBe(s.latency_ms.mean);
    expect(s.p95_latency_ms).toBe(s.latency_ms.p95);
    expect(mock.stats().byRoute['openai.chat']).toBe(7);
  });

  it('counts 429s per request without aborting; success rate within a binomial bound of 1 - failRate', async () => {
    mock = await startMockServer({ failRate: 0.3, failStatus: 429, seed: 3 });
    const r = await profile(['latency', '--url', mock.url, '--iterations', '200', '--warmup', '0', '--no-stream', '--json']);
    expect(r.code).toBe(0);
    const s = r.doc.summary;
    expect(s.requests).toBe(200);
    expect(s.failed).toBe(mock.stats().failed);
    expect(s.errors).toEqual({ rate_limited: s.failed });
    expect(s.status_codes['429']).toBe(s.failed);
    const [lo, hi] = binomialBounds(200, 0.7);
    expect(s.successful).toBeGreaterThan(lo);
    expect(s.successful).toBeLessThan(hi);
    expect(s.success_rate).toBeCloseTo(s.successful / 200, 10);
  });

  it('prints a compact report: one row per request, one statistics table, the token source', async () => {
    mock = await startMockServer({ replyTokens: 5 });
    const r = await profile(['latency', '--url', mock.url, '--iterations', '3', '--warmup', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Success rate: 3/3 (100.0%), errors: none');
    const time = '[\\d.,]+ (?:µs|ms|s)';
    expect(r.out).toMatch(/ +request +latency +TTFB +TTFT +tokens +tokens\/s/);
    expect(r.out).toMatch(new RegExp(`^ +1 +${time} +${time} +${time} +5 +[\\d.,]+$`, 'm'));
    expect(r.out).toMatch(/^ +median +p95 +p99 +mean +min +max +stddev$/m);
    for (const k of ['latency', 'TTFB', 'TTFT', 'tokens/s']) expect(r.out).toMatch(new RegExp(`^  ${k} +${k === 'tokens/s' ? '[\\d.,]+' : time} `, 'm'));
    expect(r.out).toContain('Tokens: as reported by the server');
    expect(r.out).not.toContain('Count from 1 to 10'); // no message text in output
    expect(r.out.split('\n').length).toBeLessThan(25);
  });

  it('every figure has 3 significant digits in the unit that fits; no sub-ms time rounds to 0 ms', async () => {
    mock = await startMockServer({ replyTokens: 5 });
    const r = await profile(['latency', '--url', mock.url, '--iterations', '3', '--warmup', '0']);
    const times = r.out.match(/[\d.,]+ (?:µs|ms|s)\b/g) ?? [];
    expect(times.length).toBeGreaterThan(20);
    for (const t of times) {
      const digits = t.split(' ')[0].replace(/[.,]/g, '').replace(/^0+/, '');
      expect(digits.length, t).toBe(3);
    }
    expect(r.out).not.toMatch(/\b0 ms/);
  });

  it('says that tokens/s against the zero-latency mock is meaningless, and not once the mock has latency', async () => {
    const zero = await profile(['latency', '--mock', '--iterations', '2', '--warmup', '0']);
    expect(zero.out).toMatch(/the target is the embedded mock with no latency[^]*tokens\/s says nothing about a model/);
    const doc = (await profile(['latency', '--mock', '--iterations', '1', '--warmup', '0', '--json'])).doc;
    expect(doc.notes).toEqual([expect.stringContaining('no latency')]);
    const paced = await profile(['latency', '--mock', '--mock-latency-ms', '5', '--iterations', '1', '--warmup', '0', '--no-stream']);
    expect(paced.out).not.toContain('no latency');
  });

  it('--via litellm: streamed tokens are counted with the accelerated counter (and match the mock)', async () => {
    mock = await startMockServer({ replyTokens: 12, ttftMs: 20 });
    const r = await profile(['latency', '--url', mock.url, '--via', 'litellm', '--iterations', '3', '--warmup', '0', '--json']);
    expect(r.doc.summary.success_rate).toBe(1);
    expect(r.doc.summary.tokens_source).toBe('counted');
    expect(r.doc.measurements.map((m: any) => m.tokens)).toEqual([12, 12, 12]);
    expect(r.doc.summary.ttft_ms.median).toBeGreaterThanOrEqual(19);
    const human = await profile(['latency', '--url', mock.url, '--via', 'litellm', '--iterations', '1', '--warmup', '0']);
    expect(human.out).toContain('Tokens: counted with fast-litellm countTokens');
  });

  it('--via openai and --no-stream: usage tokens, TTFB measured, no TTFT', async () => {
    mock = await startMockServer({ replyTokens: 7, latencyMs: 25 });
    const r = await profile(['latency', '--url', mock.url + '/v1', '--via', 'openai', '--no-stream', '--iterations', '3', '--warmup', '0', '--json']);
    const s = r.doc.summary;
    expect(s.success_rate).toBe(1);
    expect(s.tokens_source).toBe('usage');
    expect(s.ttft_ms).toBeNull();
    expect(s.ttfb_ms.min).toBeGreaterThanOrEqual(24);
    expect(r.doc.measurements.every((m: any) => m.tokens === 7)).toBe(true);
  });

  it('a timeout is counted as such and the run goes on', async () => {
    mock = await startMockServer({ models: { slow: { latencyMs: 400 } } });
    const r = await profile(['latency', '--url', mock.url, '--model', 'slow', '--timeout-ms', '80', '--iterations', '3', '--warmup', '0', '--no-stream', '--json']);
    expect(r.code).toBe(0);
    expect(r.doc.summary.errors).toEqual({ timeout: 3 });
    expect(r.doc.summary.latency_ms).toBeNull();
  });
});
