import { describe, expect, it } from 'vitest';
import { renderBeforeAfterMd, summarizePairs, verdict, type BeforeAfterReport, type WorkloadRun } from '../../benchmarks/lib/before-after-report';

function run(over: Partial<WorkloadRun>): WorkloadRun {
  return {
    startupMs: 1000, wallMs: 2000, requests: 96, errors: 0, throughput: 40, p50Ms: 100, p99Ms: 500,
    cpuMs: 1000, cpuTotalMs: 1600, maxRssKB: 200_000, checksum: 'abc', processMs: 3500, ...over,
  };
}

describe('before/after summaries', () => {
  const byKind = (p50: number, p99: number) => ({ stream: { n: 4, p50Ms: p50, p99Ms: p99 } });
  const plain = [run({ byKind: byKind(80, 200) }), run({ startupMs: 1200, throughput: 50, byKind: byKind(100, 200) })];
  const shim = [
    run({ startupMs: 500, throughput: 120, byKind: byKind(12, 300) }),
    run({ startupMs: 600, throughput: 100, byKind: byKind(12, 300) }),
  ];
  const m = Object.fromEntries(summarizePairs(plain, shim).map((x) => [x.key, x]));

  it('ratios are shimmed / plain per pair, medians across pairs', () => {
    expect(m.startupMs.pairRatios).toEqual([0.5, 0.5]);
    expect(m.startupMs.plain).toBe(1100);
    expect(m.startupMs.shimmed).toBe(550);
    expect(m.throughput.pairRatios).toEqual([3, 2]);
    expect(m.throughput.ratio).toBe(2.5);
  });

  it('gain points the same way for times and throughput', () => {
    expect(m.startupMs.gain).toBe(2);
    expect(m.throughput.gain).toBe(2.5);
    expect(m.maxRssKB.gain).toBe(1);
    expect(verdict(m.startupMs)).toBe('better (2.00x)');
    expect(verdict(m.maxRssKB)).toBe('same');
    expect(verdict({ ...m.p99Ms, gain: 0.5 })).toBe('worse (2.00x)');
  });

  it('renders the table and says whether outputs were equal', () => {
    const report: BeforeAfterReport = {
      schema: 'fast-litellm.before-after/1',
      startedAt: '2026-11-22T10:00:00.000Z',
      durationMs: 40_000,
      machine: {
        cpuModel: 'Test CPU', cores: 2, memoryBytes: 2 ** 33, os: 'Linux', arch: 'x64', node: 'v20', v8: '11',
        litellmVersion: '0.12.0', fastLitellmVersion: '0.1.0', gitCommit: '0123456789abcdef', gitDirty: false, loadAverage: [0, 0, 0],
      },
      workload: { script: 'benchmarks/workload/chat-app.mjs', users: 8, turns: 6, mock: { replyTokens: 48 } },
      commands: { plain: 'node x.mjs', shimmed: 'node --import dist/esm/register.mjs x.mjs' },
      runs: { plain, shimmed: shim },
      metrics: summarizePairs(plain, shim),
      outputsEqual: false,
      errors: ['outputs differ'],
    };
    const md = renderBeforeAfterMd(report);
    expect(md).toContain('| Metric | plain node | with fast-litellm | ratio (shim / plain) | per pair | verdict |');
    expect(md).toContain('| Startup (import litellm, + hook) | 1.10 s | 550.0 ms | 0.50 | 0.50, 0.50 | better (2.00x) |');
    expect(md).toContain('| Throughput | 45.0 req/s | 110.0 req/s | 2.50 | 3.00, 2.00 | better (2.50x) |');
    expect(md).toContain('**DIFFERENT between plain and shimmed runs**');
    expect(md).toContain('8 concurrent users × 6 turns');
    expect(md).toContain('| stream | 4 | 90.0 ms | 12.0 ms | 200.0 ms | 300.0 ms |');
  });
});
