// A small comprehensive report with every kind of row a report must show: faster, same, overhead,
// REGRESSION, FAILED, skipped; time, throughput at several concurrencies with a ceiling, memory; long
// names and text that needs escaping.
import type { BeforeAfterReport, WorkloadRun } from '../../benchmarks/lib/before-after-report';
import { summarizePairs } from '../../benchmarks/lib/before-after-report';
import type { ComprehensiveReport, RowResult } from '../../benchmarks/lib/result';

export const machine = {
  cpuModel: 'Test CPU', cores: 2, memoryBytes: 8 * 1024 ** 3, os: 'Linux 6', arch: 'x64', node: 'v20.20.2', v8: '11',
  litellmVersion: '0.12.0', fastLitellmVersion: '0.1.0', gitCommit: 'abcdef0123456789', gitDirty: false, loadAverage: [0.5, 0.4, 0.3],
};

export const s = (median: number, spread = 0) => ({
  median, p99: median * 2, mean: median, samples: 100, opsPerSec: 1e9 / median,
  p25: median * (1 - spread), p75: median * (1 + spread),
});

const rate = (median: number) =>
  ({ median, p99: median, mean: median, samples: 1000, extra: { p50_ms: 1.2, p99_ms: 7.3 } });

function poolRows(family: string, label: string, points: Array<[number, number, number, number]>): RowResult[] {
  return points.flatMap(([c, base, shim, ceil]) => [
    {
      id: `pool.${family}.c-${c}-throughput`, name: `${label} (c=${c} throughput)`, group: 'pool', kind: 'custom' as const,
      baselineName: 'litellm 0.12 (openai v4 + node-fetch, client per call)', acceleratedName: 'fast-litellm pooled undici transport',
      status: (shim / base > 1.05 ? 'faster' : shim / base < 0.85 ? 'REGRESSION' : 'same') as RowResult['status'],
      unit: 'req/s', higherIsBetter: true, baseline: rate(base), accelerated: rate(shim), peers: { 'undici.request ceiling': rate(ceil) },
      speedup: shim / base, improvementPct: (1 - base / shim) * 100, note: `same mock server (child process); equal results checked; pooled sockets open ${c * 2}`,
      durationMs: 5000,
    },
    {
      id: `pool.${family}.c-${c}-latency`, name: `${label} (c=${c} latency)`, group: 'pool', kind: 'custom' as const,
      baselineName: 'litellm 0.12 (openai v4 + node-fetch, client per call)', acceleratedName: 'fast-litellm pooled undici transport',
      status: 'faster' as const, unit: 'ms', higherIsBetter: false, baseline: s((c / base) * 1000), accelerated: s((c / shim) * 1000),
      speedup: shim / base, improvementPct: (1 - base / shim) * 100, durationMs: 5000,
    },
  ]);
}

export const rows: RowResult[] = [
  {
    id: 'tokens.count.1k', name: 'token_counter (1k tokens)', group: 'tokens', kind: 'fn',
    baselineName: 'litellm 0.12 countTokens (js-tiktoken)', acceleratedName: 'fast-litellm countTokens',
    status: 'faster', unit: 'ns', higherIsBetter: false, baseline: s(5_900_000), accelerated: s(500_000),
    peers: { 'gpt-tokenizer': s(510_000) }, speedup: 11.8, improvementPct: 91.5, roundRatios: [11, 12.5],
    batch: { baseline: 1, accelerated: 1, 'peer:gpt-tokenizer': 1 }, itemsPerOp: 1000, durationMs: 1200,
  },
  {
    id: 'tokens.hostile', name: 'hostile input: 30,000 letters without a single space, the quadratic case of js-tiktoken, capped at 20 s', group: 'tokens', kind: 'custom',
    baselineName: 'litellm 0.12 countTokens (js-tiktoken), small size, 20 s cap', acceleratedName: 'patched countTokens, same size',
    status: 'faster', unit: 'ms', higherIsBetter: false, baseline: s(20_000), accelerated: s(7.3), speedup: 2738, improvementPct: 99.96, durationMs: 30_000,
  },
  {
    id: 'stream.recount', name: 'stream recount <script>', group: 'tokens', kind: 'fn', baselineName: 'a', acceleratedName: 'b',
    status: 'FAILED', unit: 'ns', higherIsBetter: false, error: 'equality check failed: 3 vs 4', durationMs: 10,
  },
  {
    id: 'core.guard', name: 'guard overhead | wrapper', group: 'core', kind: 'fn',
    baselineName: 'bare function', acceleratedName: 'guard()', status: 'overhead', unit: 'ns', higherIsBetter: false,
    baseline: s(100), accelerated: s(125), speedup: 0.8, improvementPct: -25, minSpeedup: 0.5, durationMs: 900,
  },
  ...poolRows('openai', 'litellm completion, OpenAI handler', [[1, 900, 1950, 4800], [8, 3600, 10_400, 24_000], [32, 3700, 11_100, 22_400]]),
  ...poolRows('sdk', 'openai SDK used directly (proxy client), whole answers, a long family name', [[1, 2000, 1500, 4000], [8, 4000, 9600, 24_600]]),
  {
    id: 'ratelimit.redis.1', name: 'rate limit check, Redis (1 in flight)', group: 'ratelimit', kind: 'custom',
    baselineName: 'rate-limiter-flexible RateLimiterRedis (ioredis)', acceleratedName: 'fast-litellm RateLimiter + RedisStore (one EVALSHA)',
    status: 'same', unit: 'checks/s', higherIsBetter: true, baseline: rate(8734), accelerated: rate(8264), speedup: 0.946, durationMs: 9000,
  },
  {
    id: 'ratelimit.memory.1k-keys-memory', name: 'rate limit check, in memory (1k keys memory)', group: 'ratelimit', kind: 'custom',
    baselineName: 'rate-limiter-flexible RateLimiterMemory.consume (64 in flight)', acceleratedName: 'fast-litellm RateLimiter.checkSync (MemoryStore)',
    status: 'faster', unit: 'B/key', higherIsBetter: false, baseline: { median: 469.6, p99: 469.6, mean: 469.6, samples: 1 },
    accelerated: { median: 21.5, p99: 21.5, mean: 21.5, samples: 1 },
    peers: { 'Map<string, number> (key + count)': { median: 93, p99: 93, mean: 93, samples: 1 }, 'bottleneck Group': { median: 5339, p99: 5339, mean: 5339, samples: 1 } },
    speedup: 21.84, improvementPct: 95.4, note: 'heapUsed + arrayBuffers after gc in a child process', durationMs: 100_000,
  },
  {
    id: 'router.pick', name: 'router pick (1000 deployments)', group: 'router', kind: 'fn', baselineName: 'LiteLLM-style selection',
    acceleratedName: 'fast-litellm Router', status: 'skipped', unit: 'ns', higherIsBetter: false, error: 'no redis-server', durationMs: 1,
  },
];

export function sampleReport(): ComprehensiveReport {
  const count = (st: RowResult['status']) => rows.filter((r) => r.status === st).length;
  return {
    schema: 'fast-litellm.comprehensive/1', startedAt: '2026-11-22T10:00:00.000Z', finishedAt: '2026-11-22T10:05:00.000Z', durationMs: 300_000,
    options: { quick: false, ci: true, only: [], tolerance: 0.85 }, machine,
    summary: { faster: count('faster'), same: count('same'), overhead: count('overhead'), REGRESSION: count('REGRESSION'), FAILED: count('FAILED'), skipped: count('skipped'), total: rows.length },
    rows,
    gate: { tolerance: 0.85, passed: false, failures: [{ id: 'stream.recount', name: 'x', reason: 'FAILED: equality check failed: 3 vs 4' }] },
  };
}

export function run(over: Partial<WorkloadRun>): WorkloadRun {
  return {
    startupMs: 1000, wallMs: 2000, requests: 96, errors: 0, throughput: 40, p50Ms: 100, p99Ms: 500,
    cpuMs: 1000, cpuTotalMs: 1600, maxRssKB: 200_000, checksum: 'abc', processMs: 3500, ...over,
  };
}

export function sampleBeforeAfter(): BeforeAfterReport {
  const byKind = (p50: number, p99: number, first?: number) =>
    ({ stream: { n: 4, p50Ms: p50, p99Ms: p99, ...(first ? { firstMs: first } : {}) } });
  const plain = [
    run({ byKind: byKind(80, 200, 90) }),
    run({ startupMs: 1200, throughput: 50, byKind: byKind(100, 200, 95) }),
  ];
  const shimmed = [
    run({ startupMs: 500, throughput: 120, byKind: byKind(12, 300, 150) }),
    run({ startupMs: 600, throughput: 100, byKind: byKind(12, 300, 160) }),
  ];
  return {
    schema: 'fast-litellm.before-after/1', startedAt: '2026-11-22T10:00:00.000Z', durationMs: 40_000, machine,
    workload: { script: 'benchmarks/workload/chat-app.mjs', users: 8, turns: 6, mock: { replyTokens: 48 } },
    commands: { plain: 'node x.mjs', shimmed: 'node --import dist/esm/register.mjs x.mjs' },
    runs: { plain, shimmed }, metrics: summarizePairs(plain, shimmed), outputsEqual: true, errors: [],
  };
}
