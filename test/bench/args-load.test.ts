import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../benchmarks/lib/args';
import { loadRows, matchesOnly } from '../../benchmarks/lib/load-rows';
import { fileStamp } from '../../benchmarks/lib/write-reports';

describe('command line', () => {
  it('defaults to a full run that updates latest', () => {
    expect(parseArgs([])).toMatchObject({ quick: false, ci: false, only: [], out: 'reports', tolerance: 0.85, latest: true });
  });

  it('parses every option; quick, ci and --only runs do not touch latest unless asked', () => {
    const a = parseArgs(['--quick', '--ci', '--only', 'tokens,pool', '--only=core.guard', '--out', '/tmp/x', '--tolerance', '0.9']);
    expect(a).toMatchObject({ quick: true, ci: true, only: ['tokens', 'pool', 'core.guard'], out: '/tmp/x', tolerance: 0.9, latest: false });
    expect(parseArgs(['--quick', '--latest']).latest).toBe(true);
    expect(parseArgs(['--no-latest']).latest).toBe(false);
    expect(parseArgs(['--only', 'tokens', 'pool', '--quick']).only).toEqual(['tokens', 'pool']);
    expect(() => parseArgs(['tokens'])).toThrow('unknown option tokens');
  });

  it('takes the tolerance from BENCH_TOLERANCE, the flag winning', () => {
    expect(parseArgs([], { BENCH_TOLERANCE: '0.7' }).tolerance).toBe(0.7);
    expect(parseArgs(['--tolerance', '0.95'], { BENCH_TOLERANCE: '0.7' }).tolerance).toBe(0.95);
  });

  it('rejects unknown options, missing values and bad tolerances with exact messages', () => {
    expect(() => parseArgs(['--fast'])).toThrow('unknown option --fast');
    expect(() => parseArgs(['--only'])).toThrow('--only needs a value');
    expect(() => parseArgs(['--tolerance', '2'])).toThrow('--tolerance must be a number in (0, 1], got 2');
    expect(() => parseArgs([], { BENCH_TOLERANCE: 'x' })).toThrow('BENCH_TOLERANCE must be a number in (0, 1], got x');
  });

  it('makes file-safe timestamps', () => {
    expect(fileStamp(new Date('2026-11-22T10:31:07.123Z'))).toBe('2026-11-22T10-31-07Z');
  });
});

describe('row selection and loading', () => {
  it('matches ids, id prefixes and groups', () => {
    const r = { id: 'tokens.count.1k', group: 'tokens' };
    expect(matchesOnly(r, [])).toBe(true);
    expect(matchesOnly(r, ['tokens'])).toBe(true);
    expect(matchesOnly(r, ['tokens.count'])).toBe(true);
    expect(matchesOnly(r, ['tokens.count.1k'])).toBe(true);
    expect(matchesOnly(r, ['tokens.co'])).toBe(false);
    expect(matchesOnly(r, ['pool', 'core'])).toBe(false);
  });

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-rows-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads array and function exports, filters, and reports a broken file instead of dropping it', async () => {
    const row = (id: string, group: string) =>
      `{ kind: 'fn', id: '${id}', name: '${id}', group: '${group}', baselineName: 'b', acceleratedName: 'a', baseline: () => 1, accelerated: () => 1 }`;
    writeFileSync(path.join(dir, 'a.ts'), `export const rows = [${row('a.one', 'a')}, ${row('a.two', 'a')}];\n`);
    writeFileSync(path.join(dir, 'b.ts'), `export const rows = (ctx: { quick: boolean }) => ctx.quick ? [${row('b.quick', 'b')}] : [];\n`);
    writeFileSync(path.join(dir, 'c.ts'), `throw new Error('cannot load redis');\n`);
    writeFileSync(path.join(dir, '_scratch.ts'), `throw new Error('ignored');\n`);
    const ctx = { quick: true, tick: () => {} };
    const all = await loadRows(dir, ctx, []);
    expect(all.rows.map((r) => r.id)).toEqual(['a.one', 'a.two', 'b.quick']);
    expect(all.broken).toEqual([{ file: 'c.ts', error: 'cannot load redis' }]);
    const some = await loadRows(dir, ctx, ['b', 'a.two']);
    expect(some.rows.map((r) => r.id)).toEqual(['a.two', 'b.quick']);
  });
});

describe('row timeout option', () => {
  it('defaults to 300 s, 120 s with --quick, and takes --row-timeout in seconds', () => {
    expect(parseArgs([]).rowTimeoutMs).toBe(300_000);
    expect(parseArgs(['--quick']).rowTimeoutMs).toBe(120_000);
    expect(parseArgs(['--row-timeout', '2.5']).rowTimeoutMs).toBe(2500);
    expect(() => parseArgs(['--row-timeout', '0'])).toThrow('--row-timeout must be a positive number of seconds, got 0');
  });
});
