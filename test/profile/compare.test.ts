// `profile compare` end-to-end: per-model figures against per-model mock settings.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '../../src/mock';
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
    const r = await profile(['compare', '--url', mock.url, '--models', 'gpt-4,bad', '--iterations', '2', '--warmup', '0']);
    expect(r.out).toMatch(/openai +\| gpt-4 +\| +100\.0%/);
    expect(r.out).toMatch(/default +\| bad +\| +0\.0%/);
    expect(r.out).toContain('Fastest (median latency): gpt-4');
    expect(r.out).toContain('Provider averages');
  });
});
