// `profile compare` end-to-end: per-model figures against per-model mock settings.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '../../src/mock';
import { rank } from '../../src/cli/profile/compare';
import { profile } from './helpers';

let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe('fast-litellm profile compare', () => {
  it('ranks models by median latency, speedup, fastest generation, provider averages', async () => {
    mock = await startMockServer({
      models: {
        'openai/fast': { latencyMs: 10, replyTokens: 30 },
        'openai/slow': { latencyMs: 80, replyTokens: 10 },
        'ollama-ish/mid': { latencyMs: 40, replyTokens: 20, fail: 503 },
      },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'cmp-')), 'cmp.json');
    const r = await profile([
      'compare', '--url', mock.url, '--models', 'openai/fast', 'openai/slow', '--models', 'ollama-ish/mid',
      '--iterations', '4', '--warmup', '0', '--no-stream', '--json', '--export', file,
    ]);
    expect(r.code).toBe(0);
    const s = r.doc.summary;
    expect(s.models.map((m: any) => m.model)).toEqual(['ollama-ish/mid']); // --models given twice: the last wins
    const r2 = await profile([
      'compare', '--url', mock.url, '--models', 'openai/fast', 'openai/slow', 'ollama-ish/mid',
      '--iterations', '4', '--warmup', '0', '--no-stream', '--json', '--export', file,
    ]);
    const s2 = r2.doc.summary;
    expect(s2.fastest).toBe('openai/fast');
    expect(s2.slowest).toBe('openai/slow');
    expect(s2.speedup).toBeGreaterThan(2);
    const byModel = Object.fromEntries(s2.models.map((m: any) => [m.model, m]));
    expect(byModel['openai/fast'].total_tokens).toBe(120);
    expect(byModel['openai/slow'].median_latency_ms).toBeGreaterThanOrEqual(79);
    expect(byModel['ollama-ish/mid'].success_rate).toBe(0);
    expect(byModel['ollama-ish/mid'].errors).toEqual({ server_error: 4 });
    expect(s2.fastest_generation).toBe('openai/fast');
    expect(Object.keys(s2.provider_averages)).toEqual(['openai']);
    expect(r2.doc.measurements).toHaveLength(12);
    // the export is the very document printed with --json
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(r2.doc);
  });

  it('human table lists every model; a model with no success is said so', async () => {
    mock = await startMockServer({ models: { bad: { fail: 500 } } });
    const r = await profile(['compare', '--url', mock.url, '--models', 'gpt-4,bad,claude-2', '--iterations', '2', '--warmup', '0']);
    expect(r.out).toMatch(/^ +gpt-4 +openai +100\.0% /m);
    expect(r.out).toMatch(/^ +claude-2 +anthropic +100\.0% /m);
    expect(r.out).toMatch(/^ +bad +default +0\.0% /m);
    expect(r.out).toContain('bad: no successful request (server_error 2)');
    expect(r.out).toContain('Provider averages (mean of model medians): ');
  });

  it('models take turns, so a drift during the run lands on every model alike', async () => {
    mock = await startMockServer();
    const r = await profile(['compare', '--url', mock.url, '--models', 'a', 'b', 'c', '--iterations', '3', '--warmup', '0', '--json']);
    expect(r.doc.measurements.map((m: any) => m.model)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('never names a fastest within noise: the same model twice is "no clear difference"', async () => {
    // Both names are answered alike by the mock; whatever the noise, ranges overlap or medians are close.
    mock = await startMockServer({ latencyMs: 30 });
    const r = await profile(['compare', '--url', mock.url, '--models', 'x', 'y', '--iterations', '6', '--warmup', '1', '--no-stream']);
    expect(r.out).toContain('No clear difference between');
    expect(r.out).not.toMatch(/fastest/i);
    const doc = (await profile(['compare', '--url', mock.url, '--models', 'x', 'y', '--iterations', '6', '--warmup', '1', '--no-stream', '--json'])).doc;
    expect(doc.summary).toMatchObject({ fastest: null, slowest: null, speedup: null });
    expect(doc.summary.ranking_note).toMatch(/^No clear difference between [xy] and [xy]/);
  });
});

describe('ranking rule', () => {
  const row = (model: string, median: number, p25: number, p75: number) => ({
    model, provider: 'default', requests: 5, success_rate: 1,
    median_latency_ms: median, p25_latency_ms: p25, p75_latency_ms: p75, p95_latency_ms: p75,
    tokens_per_sec: null, total_tokens: 0, tokens_source: null, errors: {},
    latency: {
      count: 5, mean: median, median, stddev: 0, min: p25, max: p75,
      p25, p50: median, p75, p90: p75, p95: p75, p99: p75,
    },
    rate: null,
  });

  it('a fastest needs inter-quartile ranges apart and >= 10% between the medians', () => {
    // The case: 1 ms vs 1.06 ms.
    expect(rank([row('a', 1, 0.9, 1.1), row('b', 1.06, 1.0, 1.12)]).fastest).toBeNull();
    // Ranges apart but only 5% between the medians.
    expect(rank([row('a', 1, 0.99, 1.01), row('b', 1.05, 1.04, 1.06)]).fastest).toBeNull();
    // 50% apart but the ranges overlap.
    expect(rank([row('a', 1, 0.5, 1.6), row('b', 1.5, 1.2, 2)]).fastest).toBeNull();
    const clear = rank([row('a', 1, 0.9, 1.1), row('b', 2, 1.8, 2.2), row('c', 8, 7, 9)]);
    expect(clear).toMatchObject({ fastest: 'a', slowest: 'c', speedup: 8 });
    expect(rank([row('a', 1, 0.9, 1.1)]).fastest).toBeNull();
  });
});
