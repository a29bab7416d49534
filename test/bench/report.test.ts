import { describe, expect, it } from 'vitest';
import { renderBeforeAfterMd } from '../../benchmarks/lib/before-after-report';
import { fmtNs, fmtPct, fmtSpeedup, fmtValue, plainLine } from '../../benchmarks/lib/format';
import { detailsTable, renderHtml } from '../../benchmarks/lib/report-html';
import { cell, renderMarkdown } from '../../benchmarks/lib/report-md';
import {
  beforeAfterHeadline, concurrencyMatrix, fmtRatio, headlines, improvementText, notesOf, pairsOf, scaleFor,
  throughputSeries,
} from '../../benchmarks/lib/report-model';
import { rows, sampleBeforeAfter, sampleReport } from './report-sample';

const report = sampleReport();
const byId = (id: string) => rows.find((r) => r.id === id)!;

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
    expect([fmtRatio(0.946), fmtRatio(2.17), fmtRatio(23), fmtRatio(477.1), fmtRatio(2738.1)]).toEqual(['0.946x', '2.17x', '23.0x', '477x', '2,738x']);
  });

  it('prints one plain line per row', () => {
    expect(plainLine(rows[0])).toBe('tokens.count.1k: faster 11.8x (baseline 5.9 ms, shimmed 500 µs, 1.2 s)');
    expect(plainLine(byId('stream.recount'))).toBe('stream.recount: FAILED - equality check failed: 3 vs 4');
  });
});

describe('improvement in the row\'s own direction', () => {
  it('a 2.17x throughput gain is +117%, a 2.17x time gain -53.9% time, a size -95.4% memory', () => {
    expect(improvementText({ speedup: 2.17, higherIsBetter: true, unit: 'req/s' })).toBe('+117% req/s');
    expect(improvementText({ speedup: 0.946, higherIsBetter: true, unit: 'checks/s' })).toBe('−5.4% checks/s');
    expect(improvementText({ speedup: 2.17, higherIsBetter: false, unit: 'ms' })).toBe('−53.9% time');
    expect(improvementText({ speedup: 0.52, higherIsBetter: false, unit: 'ns' })).toBe('+92.3% time');
    expect(improvementText({ speedup: 21.84, higherIsBetter: false, unit: 'B/key' })).toBe('−95.4% memory');
    // Huge gains keep a digit of what is left instead of all reading -100%.
    expect(improvementText({ speedup: 2013, higherIsBetter: false, unit: 'ms' })).toBe('−99.95% time');
    expect(improvementText({ speedup: 2738, higherIsBetter: false, unit: 'ms' })).toBe('−99.96% time');
    expect(improvementText({ speedup: undefined, higherIsBetter: false, unit: 'ms' })).toBe('n/a');
  });
});

describe('report model', () => {
  it('one headline per area in a fixed order, memory apart, every row that is not faster named', () => {
    const hs = headlines(rows);
    expect(hs.map((h) => h.group)).toEqual(['tokens', 'pool', 'ratelimit', 'router', 'core']);
    const pool = hs.find((h) => h.group === 'pool')!;
    expect(pool.figure).toMatch(/^\d\.\d\dx$/);
    expect(pool.basis).toMatch(/^median of 10 time and throughput rows, /);
    expect(pool.notFaster).toEqual([expect.stringMatching(/^openai SDK .*\(c=1 throughput\): REGRESSION at 0\.750x$/)]);
    const rl = hs.find((h) => h.group === 'ratelimit')!;
    expect(rl.memory).toBe('memory 21.8x smaller (1 row)');
    expect(rl.notFaster).toEqual(['rate limit check, Redis (1 in flight): same at 0.946x']);
    expect(hs.find((h) => h.group === 'tokens')!.notFaster).toEqual(['stream recount <script>: FAILED (equality check failed: 3 vs 4)']);
    expect(hs.find((h) => h.group === 'router')!.notFaster).toEqual(['router pick (1000 deployments): skipped (no redis-server)']);
    // A median of one or two unlike rows says nothing: the range and each row instead.
    expect(hs.find((h) => h.group === 'core')).toMatchObject({ figure: '0.800x', basis: 'guard overhead | wrapper 0.800x' });
    expect(hs.find((h) => h.group === 'core')!.notFaster).toEqual(['guard overhead | wrapper: overhead at 0.800x, an accepted cost ≥ 0.5x']);
  });

  it('the before/after headline is startup, and names every metric or request kind that is worse', () => {
    const h = beforeAfterHeadline(sampleBeforeAfter());
    expect(h.figure).toBe('2.00x');
    expect(h.basis).toBe('startup of the same chat app, plain node vs --import (median of 2 pairs); throughput 2.50x, latency p99 1.00x, peak RSS 1.00x');
    expect(h.notFaster).toEqual([
      'Process time, spawn to exit: same at 1.00x', 'Workload wall time: same at 1.00x', 'Latency p50: same at 1.00x',
      'Latency p99: same at 1.00x', 'CPU time, workload: same at 1.00x', 'CPU time, whole process: same at 1.00x', 'Peak RSS: same at 1.00x',
      'stream requests, p99: worse, 200.0 ms plain → 300.0 ms shimmed', 'stream requests, first call: worse, 92.5 ms plain → 155.0 ms shimmed',
    ]);
  });

  it('what is compared: each pair once, rows of one family named once', () => {
    const pool = pairsOf(rows.filter((r) => r.group === 'pool'));
    expect(pool).toHaveLength(1);
    expect(pool[0]).toEqual({
      baseline: 'litellm 0.12 (openai v4 + node-fetch, client per call)', shimmed: 'fast-litellm pooled undici transport',
      peers: ['undici.request ceiling'], rows: ['litellm completion, OpenAI handler', 'openai SDK used directly (proxy client), whole answers, a long family name'],
    });
    expect(pairsOf(rows.filter((r) => r.group === 'tokens'))).toHaveLength(3);
  });

  it('rows at several concurrencies become a matrix and throughput series with the ceiling', () => {
    const m = concurrencyMatrix(rows)!;
    expect(m.levels).toEqual([1, 8, 32]);
    expect(m.lines.map((l) => `${l.label}: ${l.measure}`)).toEqual([
      'litellm completion, OpenAI handler: throughput', 'litellm completion, OpenAI handler: latency',
      'openai SDK used directly (proxy client), whole answers, a long family name: throughput',
      'openai SDK used directly (proxy client), whole answers, a long family name: latency',
    ]);
    const [s] = throughputSeries(rows);
    expect(s).toMatchObject({ label: 'litellm completion, OpenAI handler', unit: 'req/s', ceilingName: 'undici.request ceiling' });
    expect(s.plain).toEqual([[1, 900], [8, 3600], [32, 3700]]);
    expect(s.shimmed).toEqual([[1, 1950], [8, 10_400], [32, 11_100]]);
    expect(s.ceiling).toEqual([[1, 4800], [8, 24_000], [32, 22_400]]);
  });

  it('charts are linear from 0 while ratios are small, log by decades only when they span more', () => {
    const lin = scaleFor([0.95, 1.23, 3.46], { include: [1] });
    expect(lin).toMatchObject({ kind: 'linear', min: 0, max: 4 });
    expect(lin.ticks).toEqual([0, 1, 2, 3, 4]);
    expect(lin.at(2)).toBe(0.5);
    const log = scaleFor([5.02, 20, 2738], { include: [1] });
    expect(log).toMatchObject({ kind: 'log', min: 1, max: 10_000, ticks: [1, 10, 100, 1000, 10_000] });
    expect(log.at(100)).toBe(0.5);
  });

  it('notes: what every row says is said once', () => {
    const n = notesOf(rows.filter((r) => r.group === 'pool'));
    expect(n.common).toEqual(['same mock server (child process)', 'equal results checked']);
    expect(n.rows[0]).toEqual({
      names: ['litellm completion, OpenAI handler (c=1 throughput)', 'openai SDK used directly (proxy client), whole answers, a long family name (c=1 throughput)'],
      note: 'pooled sockets open 2',
    });
  });
});

describe('markdown report', () => {
  const md = renderMarkdown(report, sampleBeforeAfter());
  it('follows the HTML order: summary, a section per group, before/after, details, how to read', () => {
    const order = ['## Summary', '## Token counting', '## HTTP: pooled transport and streaming', '## Rate limiting', '## Router',
      '## Shim core (handler lookup, guard)', '## Before/after', '## Details', '## How to read it'];
    const at = order.map((h) => md.indexOf(h));
    expect(at.every((x) => x > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(md).toMatch(/^- \*\*Rate limiting: .*Not faster: rate limit check, Redis \(1 in flight\): same at 0\.946x\.$/m);
  });

  it('row tables with improvement in the right direction, status, FAILED reason', () => {
    expect(md).toContain('| Function | Baseline | Shimmed | Speedup | Improvement | Status |');
    expect(md).toContain('| token_counter (1k tokens) | 5.9 ms | 500 µs | 11.8x | −91.5% time | faster |');
    expect(md).toContain('| rate limit check, Redis (1 in flight) | 8,734 checks/s | 8,264 checks/s | 0.946x | −5.4% checks/s | same |');
    expect(md).toContain('overhead (accepted ≥ 0.5x)');
    expect(md).toContain('| FAILED: equality check failed: 3 vs 4 |');
  });

  it('what is compared once per group: a list for one pair, a table for several', () => {
    expect(md.match(/- baseline: litellm 0\.12 \(openai v4 \+ node-fetch, client per call\)/g)).toHaveLength(1);
    expect(md).toContain('| token_counter (1k tokens) | litellm 0.12 countTokens (js-tiktoken) | fast-litellm countTokens | gpt-tokenizer |');
    expect(md).not.toContain('| litellm completion, OpenAI handler (c=8 throughput) | litellm 0.12');
  });

  it('concurrency rows as a matrix and req/s by level with the ceiling; memory apart', () => {
    expect(md).toContain('| Row | c=1 | c=8 | c=32 |');
    expect(md).toContain('| litellm completion, OpenAI handler: throughput | 2.17x | 2.89x | 3.00x |');
    expect(md).toMatch(/\| openai SDK .*: throughput \| 0\.750x \(REGRESSION\) \| 2\.40x \| {2}\|/);
    expect(md).toContain('| Concurrency | baseline | shimmed | undici.request ceiling |');
    expect(md).toContain('| 8 | 3,600 req/s | 10,400 req/s | 24,000 req/s |');
    expect(md).toContain('Memory (apart from time; smaller is better):');
    expect(md).toContain('| rate limit check, in memory (1k keys memory) | 470 B/key | 21.5 B/key | Map<string, number> (key + count) 93 B/key; bottleneck Group 5.21 KiB/key | 21.8x | −95.4% memory |');
  });

  it('names the machine and the gate; details with per-item figures and no p99 for throughput rows', () => {
    expect(md).toContain('Test CPU, 2 cores');
    expect(md).toContain('litellm 0.12.0');
    expect(md).toContain('abcdef012345');
    expect(md).toContain('CI gate (tolerance 0.85x): **failed**');
    expect(md).toContain('peer gpt-tokenizer');
    expect(md).toContain('(5.9 µs/item)');
    expect(md).toContain('11.0x–12.5x');
    expect(md).toMatch(/\| rate limit check, Redis \(1 in flight\) \| baseline \| 8,734 checks\/s \| - \|/);
    expect(md).toContain('- every row: same mock server (child process); equal results checked');
  });

  it('includes the before/after run, with first-call latency when the workload gives it', () => {
    const ba = renderBeforeAfterMd(sampleBeforeAfter()).split('\n').slice(2).join('\n');
    expect(md).toContain(ba.trim());
    expect(md).toContain('| stream | 4 | 90.0 ms | 12.0 ms | 200.0 ms | 300.0 ms | 92.5 ms | 155.0 ms |');
  });

  it('escapes pipes so a name cannot break the table', () => {
    expect(cell('a | b\nc')).toBe('a \\| b c');
    expect(md).toContain('guard overhead \\| wrapper');
  });
});

describe('html report', () => {
  const html = renderHtml(report, sampleBeforeAfter());
  it('is self-contained: no scripts, no network references', () => {
    expect(html).not.toMatch(/<script|<link|@import|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('escapes row text', () => {
    expect(html).toContain('stream recount &lt;script&gt;');
    expect(html).not.toContain('stream recount <script>');
  });

  it('sections in order, each group once with its own chart scale; the before/after run included', () => {
    const ids = [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['summary', 'g-tokens', 'g-pool', 'g-ratelimit', 'g-router', 'g-core', 'before-after', 'details']);
    const section = (id: string) => html.slice(html.indexOf(`<section id="${id}"`), html.indexOf('</section>', html.indexOf(`<section id="${id}"`)));
    expect(section('g-tokens')).toContain('log scale (the values span decades)');
    expect(section('g-ratelimit')).toContain('linear scale');
    expect(section('g-pool').match(/<figure class="series">/g)).toHaveLength(2);
    expect(section('g-pool')).toContain('undici.request ceiling (raw client, no SDK)');
    expect(section('g-ratelimit')).toContain('<h3>Memory</h3>');
    expect(section('before-after')).toContain('first call shimmed');
    expect(section('before-after')).toContain('(worse)');
    expect(section('summary').match(/<div class="card">/g)).toHaveLength(6);
    // "What is compared" once per group, not per row.
    expect(html.match(/litellm 0\.12 \(openai v4 \+ node-fetch, client per call\)/g)).toHaveLength(1);
  });

  it('every side of every timed row in the details; p99 of a throughput row is not a repeat of its median', () => {
    const t = detailsTable(rows);
    expect(t).toContain('<td>peer gpt-tokenizer</td>');
    expect(t).toContain('11.0x–12.5x');
    expect(t).toContain('5.9 µs/item');
    expect(t).not.toContain('stream recount');
    expect(t).toMatch(/<td>baseline<\/td><td class="n">8,734 checks\/s<\/td><td class="n">-<\/td>/);
    expect(t).toContain('p50 1.2 ms, p99 7.3 ms');
  });
});

describe('latest reports', () => {
  it('latest.md and latest.html carry the latest before/after run, whichever of the two runs wrote last', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { writeReports } = await import('../../benchmarks/lib/write-reports');
    const dir = mkdtempSync(join(tmpdir(), 'reports-'));
    const rep = sampleReport();
    writeReports(dir, 'comprehensive', 'T1', { json: JSON.stringify(rep), md: renderMarkdown(rep), html: renderHtml(rep) }, 'latest');
    expect(readFileSync(join(dir, 'latest.html'), 'utf8')).not.toContain('id="before-after"');
    const ba = sampleBeforeAfter();
    const w = writeReports(dir, 'before-after', 'T2', { json: JSON.stringify(ba), md: renderBeforeAfterMd(ba) }, 'latest.before-after');
    expect(w.latest.map((f) => f.slice(dir.length + 1))).toEqual(['latest.before-after.json', 'latest.before-after.md', 'latest.md', 'latest.html']);
    expect(readFileSync(join(dir, 'latest.html'), 'utf8')).toContain('id="before-after"');
    expect(readFileSync(join(dir, 'latest.md'), 'utf8')).toContain('## Before/after');
    // The timestamped copy of the comprehensive run stays as that run wrote it.
    expect(readFileSync(join(dir, 'comprehensive-T1.html'), 'utf8')).not.toContain('id="before-after"');
    // A quick run (no latest copies) touches none of them.
    writeReports(dir, 'comprehensive', 'T3', { json: JSON.stringify({ ...rep, rows: [] }), md: '', html: '' }, null);
    expect(readFileSync(join(dir, 'latest.html'), 'utf8')).toContain('id="before-after"');
  });
});
