import { describe, expect, it } from 'vitest';
import { renderHtml, speedupChart } from '../../benchmarks/lib/report-html';
import { cell, renderMarkdown } from '../../benchmarks/lib/report-md';
import { fmtNs, fmtPct, fmtSpeedup, fmtValue, plainLine } from '../../benchmarks/lib/format';
import type { ComprehensiveReport, RowResult } from '../../benchmarks/lib/result';

const machine = {
  cpuModel: 'Test CPU',
  cores: 2,
  memoryBytes: 8 * 1024 ** 3,
  os: 'Linux 6',
  arch: 'x64',
  node: 'v20.20.2',
  v8: '11',
  litellmVersion: '0.12.0',
  fastLitellmVersion: '0.1.0',
  gitCommit: 'abcdef0123456789',
  gitDirty: false,
  loadAverage: [0.5, 0.4, 0.3],
};

const s = (median: number) => ({ median, p99: median * 2, mean: median, samples: 100, opsPerSec: 1e9 / median, p25: median, p75: median });

const rows: RowResult[] = [
  {
    id: 'tokens.count.1k', name: 'token_counter (1k tokens)', group: 'tokens', kind: 'fn',
    baselineName: 'litellm 0.12 countTokens (js-tiktoken)', acceleratedName: 'fast-litellm countTokens',
    status: 'faster', unit: 'ns', higherIsBetter: false, baseline: s(5_900_000), accelerated: s(500_000),
    peers: { 'gpt-tokenizer': s(510_000) }, speedup: 11.8, improvementPct: 91.5, roundRatios: [11, 12.5],
    batch: { baseline: 1, accelerated: 1, 'peer:gpt-tokenizer': 1 }, itemsPerOp: 1000, durationMs: 1200,
  },
  {
    id: 'core.guard', name: 'guard overhead | wrapper', group: 'core', kind: 'fn',
    baselineName: 'bare function', acceleratedName: 'guard()', status: 'overhead', unit: 'ns', higherIsBetter: false,
    baseline: s(100), accelerated: s(125), speedup: 0.8, improvementPct: -25, minSpeedup: 0.5, durationMs: 900,
  },
  {
    id: 'stream.recount', name: 'stream recount <script>', group: 'tokens', kind: 'fn', baselineName: 'a', acceleratedName: 'b',
    status: 'FAILED', unit: 'ns', higherIsBetter: false, error: 'equality check failed: 3 vs 4', durationMs: 10,
  },
  {
    id: 'pool.rps.c-16', name: 'pool (c=16)', group: 'pool', kind: 'custom', baselineName: 'openai v4', acceleratedName: 'undici',
    status: 'faster', unit: 'req/s', higherIsBetter: true, baseline: s(1500), accelerated: s(3000), speedup: 2, improvementPct: 50,
    note: 'equal bodies checked on 200 responses', durationMs: 5000,
  },
];

const report: ComprehensiveReport = {
  schema: 'fast-litellm.comprehensive/1',
  startedAt: '2026-11-22T10:00:00.000Z',
  finishedAt: '2026-11-22T10:05:00.000Z',
  durationMs: 300_000,
  options: { quick: false, ci: true, only: [], tolerance: 0.85 },
  machine,
  summary: { faster: 2, same: 0, overhead: 1, REGRESSION: 0, FAILED: 1, skipped: 0, total: 4 },
  rows,
  gate: { tolerance: 0.85, passed: false, failures: [{ id: 'stream.recount', name: 'x', reason: 'FAILED: equality check failed: 3 vs 4' }] },
};

describe('formatting', () => {
  it('picks a readable time unit', () => {
    expect(fmtNs(850)).toBe('850 ns');
    expect(fmtNs(5_900_000)).toBe('5.9 ms');
    expect(fmtNs(22_894)).toBe('22.9 µs');
    expect(fmtNs(1.5e9)).toBe('1.5 s');
    expect(fmtValue(2.5, 'ms')).toBe('2.5 ms');
    expect(fmtValue(1500, 'req/s')).toBe('1,500 req/s');
    expect(fmtValue(2048, 'bytes')).toBe('2 KiB');
  });

  it('formats ratios and signed percentages', () => {
    expect(fmtSpeedup(11.83)).toBe('11.8x');
    expect(fmtSpeedup(0.8)).toBe('0.80x');
    expect(fmtPct(91.52)).toBe('+91.5%');
    expect(fmtPct(-25)).toBe('-25.0%');
    expect(fmtSpeedup(undefined)).toBe('n/a');
  });

  it('prints one plain line per row', () => {
    expect(plainLine(rows[0])).toBe('tokens.count.1k: faster 11.8x (baseline 5.9 ms, shimmed 500 µs, 1.2 s)');
    expect(plainLine(rows[2])).toBe('stream.recount: FAILED - equality check failed: 3 vs 4');
  });
});

describe('markdown report', () => {
  const md = renderMarkdown(report);
  it('has the headline table with one line per row', () => {
    expect(md).toContain('| Function | Baseline | Shimmed | Speedup | Improvement | Status |');
    expect(md).toContain('| token_counter (1k tokens) | 5.9 ms | 500 µs | 11.8x | +91.5% | faster |');
    expect(md).toContain('| pool (c=16) | 1,500 req/s | 3,000 req/s | 2.00x | +50.0% | faster |');
    expect(md).toContain('overhead (accepted ≥ 0.5x)');
    expect(md).toContain('| FAILED: equality check failed: 3 vs 4 |');
  });

  it('names both sides, the machine and the gate', () => {
    expect(md).toContain('| token_counter (1k tokens) | litellm 0.12 countTokens (js-tiktoken) | fast-litellm countTokens |');
    expect(md).toContain('Test CPU, 2 cores');
    expect(md).toContain('litellm 0.12.0');
    expect(md).toContain('abcdef012345');
    expect(md).toContain('CI gate (tolerance 0.85x): **failed**');
  });

  it('shows details, per-item figures, peers and notes', () => {
    expect(md).toContain('peer gpt-tokenizer');
    expect(md).toContain('(5.9 µs/item)');
    expect(md).toContain('11.0x–12.5x');
    expect(md).toContain('- **pool (c=16)**: equal bodies checked on 200 responses');
  });

  it('escapes pipes so a name cannot break the table', () => {
    expect(cell('a | b\nc')).toBe('a \\| b c');
    expect(md).toContain('guard overhead \\| wrapper');
  });
});

describe('html report', () => {
  const html = renderHtml(report);
  it('is self-contained: no scripts, no network references', () => {
    expect(html).not.toMatch(/<script|<link|@import|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('escapes row text', () => {
    expect(html).toContain('stream recount &lt;script&gt;');
  });

  it('draws one speedup bar per timed row on a log axis', () => {
    const svg = speedupChart(rows);
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain('>1x</text>');
    expect(svg).toContain('>1/2x</text>');
    expect(svg).toContain('>11.8x</text>');
    expect(speedupChart([rows[2]])).toBe('<p>No timed rows.</p>');
  });
});

describe('chart helpers', () => {
  it('labels log ticks as powers of two and clips long names', async () => {
    const { tickLabel, clip, costChart } = await import('../../benchmarks/lib/report-html');
    expect([tickLabel(-3), tickLabel(0), tickLabel(4)]).toEqual(['1/8x', '1x', '16x']);
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
    const svg = costChart(rows[0]);
    expect(svg).toContain('>100%</text>');
    expect(svg).toContain('>8%</text>');
  });
});

describe('html details', () => {
  it('lists every side of every timed row with its spread', async () => {
    const { detailsTable } = await import('../../benchmarks/lib/report-html');
    const t = detailsTable(rows);
    expect(t.match(/<tr>/g)).toHaveLength(1 + 3 + 2 + 2); // header + 3 sides + guard 2 + pool 2
    expect(t).toContain('<td>peer gpt-tokenizer</td>');
    expect(t).toContain('11.0x–12.5x');
    expect(t).toContain('5.9 µs/item');
    expect(t).not.toContain('stream recount');
  });
});
