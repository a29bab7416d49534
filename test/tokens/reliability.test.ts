// Issue 11 #8, #10, #14: token workers that fail or die never crash or hang the host, the memo
// holds only what it budgets for, and bad batch input gives the documented error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { CODES, InvalidArgumentError, OutOfRangeError } from '../../src/errors';
import { clearTokenCache, configureTokenCache, countTokens, getTokenCacheStats } from '../../src/accelerators/tokens/count';
import {
  closeTokenPool,
  configureTokenPool,
  countTokensAsync,
  countTokensBatch,
  getTokenPoolStats,
  TOKEN_POOL_DEFAULTS,
  tokenPoolThreadsForTests,
} from '../../src/accelerators/tokens/pool';
import { runNode } from '../node-child';

const TSX = require.resolve('tsx/cjs');

describe('token workers that fail (issue 11 #8)', () => {
  afterAll(async () => {
    await closeTokenPool();
    configureTokenPool({ ...TOKEN_POOL_DEFAULTS });
  });

  it('a worker that throws at start (a -r preload) neither crashes the host nor loses the count', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fl-preload-'));
    const preload = path.join(dir, 'no-workers.js');
    writeFileSync(preload, "if (!require('node:worker_threads').isMainThread) throw new Error('no workers here');\n");
    const script = [
      "const pool = require('./src/accelerators/tokens/pool');",
      "const { countTokens } = require('./src/accelerators/tokens/count');",
      'pool.configureTokenPool({ inlineBelowChars: 100 });',
      "const text = 'word '.repeat(5000);",
      '(async () => {',
      '  const a = await pool.countTokensAsync(text);',
      "  const b = await pool.countTokensBatch([text + 'x', text + 'y']);",
      '  const s = pool.getTokenPoolStats();',
      "  console.log(JSON.stringify({ a, b, want: [countTokens(text), countTokens(text + 'x'), countTokens(text + 'y')], s }));",
      '})();',
    ].join('\n');
    // The child must also exit by itself: nothing of the pool may keep it alive.
    const { out } = await runNode(['-r', preload, '-r', TSX, '-e', script], {}, 60_000);
    expect([out.a, ...out.b]).toEqual(out.want);
    expect(out.s.inlineFallbacks).toBeGreaterThan(0);
    expect(out.s.poolErrors).toBeGreaterThan(0);
  }, 90_000);

  it('a worker terminated in its first milliseconds leaves no call pending', async () => {
    configureTokenPool({ inlineBelowChars: 100, maxThreads: 1, taskTimeoutMs: 1500 });
    for (const delayMs of [0, 5, 20]) {
      await closeTokenPool();
      clearTokenCache();
      const text = `early ${delayMs} `.repeat(4000);
      const pending = countTokensAsync(text);
      await new Promise((r) => setTimeout(r, delayMs));
      for (const worker of tokenPoolThreadsForTests()) void worker.terminate();
      expect([delayMs, await pending]).toEqual([delayMs, countTokens(text)]);
    }
    // Still usable afterwards.
    clearTokenCache();
    const after = 'after '.repeat(3000);
    expect(await countTokensAsync(after)).toBe(countTokens(after));
  }, 30_000);

  it('rejects a bad taskTimeoutMs in the package error style', () => {
    expect(() => configureTokenPool({ taskTimeoutMs: 0 })).toThrow(OutOfRangeError);
    expect(() => configureTokenPool({ maxThreads: 1.5 })).toThrow(
      'configureTokenPool: maxThreads: invalid value 1.5; accepted: an integer >= 1',
    );
    expect(getTokenPoolStats()).toHaveProperty('timeouts');
  });
});

describe('the token memo keeps only what it budgets for (issue 11 #10)', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  function retainedBytes(countSlices: () => void): number {
    gc();
    const before = process.memoryUsage().heapUsed;
    countSlices();
    gc();
    return process.memoryUsage().heapUsed - before;
  }

  it('a memoised slice does not hold its 4 MB parent', () => {
    clearTokenCache();
    configureTokenCache({ maxBytes: 16 * 1024 * 1024, minChars: 64 });
    const retained = retainedBytes(() => {
      for (let i = 0; i < 10; i++) {
        const doc = `document ${i} says `.repeat(220_000);
        countTokens(doc.slice(0, 200));
      }
    });
    expect(getTokenCacheStats().entries).toBe(10);
    // Ten parents would be ~40 MB; the entries themselves are ~5 KB.
    expect(retained).toBeLessThan(12e6);
    clearTokenCache();
  });

  it('the piece cache of the merge does not hold parents either', () => {
    clearTokenCache();
    configureTokenCache({ maxBytes: 0 });
    const retained = retainedBytes(() => {
      for (let i = 0; i < 10; i++) {
        // A 20-letter piece that is no single token goes through the merge and its piece cache.
        const word = `qzxv${String.fromCharCode(97 + i)}jqkwpzqxvbnmjhgf`;
        const doc = `${word} ` + 'plain words here '.repeat(250_000);
        countTokens(doc.slice(0, 30));
      }
    });
    expect(retained).toBeLessThan(12e6);
    configureTokenCache({ maxBytes: 16 * 1024 * 1024 });
  });
});

describe('bad batch input gives the documented error (issue 11 #14)', () => {
  const cases: [string, () => Promise<unknown>, string][] = [
    ['a sparse array', () => countTokensBatch(Object.assign(['a'], { 2: 'b' }) as string[]), 'countTokensBatch: texts[1]: invalid value undefined; accepted: a string'],
    ['null in the array', () => countTokensBatch(['a', null as never]), 'countTokensBatch: texts[1]: invalid value null; accepted: a string'],
    ['a string', () => countTokensBatch('abc' as never), 'countTokensBatch: texts: invalid value "abc"; accepted: an array of strings'],
    ['a number', () => countTokensAsync(42 as never), 'countTokensAsync: text: invalid value 42; accepted: a string'],
    ['an unknown encoding', () => countTokensBatch(['a'], { encoding: 'gpt2' as never }), 'countTokensBatch: options.encoding: invalid value "gpt2"; accepted: cl100k_base, o200k_base, p50k_base, r50k_base'],
    ['a non-object options', () => countTokensBatch(['a'], 5 as never), 'countTokensBatch: options: invalid value 5; accepted: an object'],
  ];
  it.each(cases)('%s', async (_name, call, message) => {
    const err = await call().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as InvalidArgumentError).code).toBe(CODES.INVALID_ARGUMENT);
    expect((err as Error).message).toBe(message);
  });

  it('sync countTokens throws the same kind', () => {
    expect(() => countTokens(undefined as never)).toThrow('countTokens: text: invalid value undefined; accepted: a string');
    expect(() => countTokens('x', { model: 5 as never })).toThrow('countTokens: options.model: invalid value 5; accepted: a string');
    expect(() => configureTokenCache({ maxBytes: -1 })).toThrow(OutOfRangeError);
  });
});
