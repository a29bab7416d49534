import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearTokenCache, countTokens } from '../../src/accelerators/tokens/count';
import {
  closeTokenPool,
  configureTokenPool,
  countTokensAsync,
  countTokensBatch,
  getTokenPoolStats,
  tokenPoolThreadsForTests,
} from '../../src/accelerators/tokens/pool';
import { generateCorpus } from './corpus';

const run = promisify(execFile);

describe('token worker pool', () => {
  beforeAll(() => configureTokenPool({ inlineBelowChars: 2000, maxThreads: 1 }));
  afterAll(async () => {
    await closeTokenPool();
    configureTokenPool({ inlineBelowChars: 32 * 1024 });
  });

  it('counts small texts inline and large ones on a worker, equal to the sync count', async () => {
    clearTokenCache();
    const small = 'hello world';
    const large = generateCorpus(7, 400).join('\n');
    expect(await countTokensAsync(small)).toBe(countTokens(small));
    const before = getTokenPoolStats().offloaded;
    clearTokenCache();
    const n = await countTokensAsync(large, { model: 'gpt-4o' });
    expect(getTokenPoolStats().offloaded).toBe(before + 1);
    expect(n).toBe(countTokens(large, { model: 'gpt-4o' }));
  });

  it('batch results are in order and equal to sync counts', async () => {
    clearTokenCache();
    const texts = generateCorpus(11, 600);
    const got = await countTokensBatch(texts, { encoding: 'o200k_base' });
    expect(got).toEqual(texts.map((t) => countTokens(t, { encoding: 'o200k_base' })));
  });

  it('a worker killed mid-batch still yields every count', async () => {
    clearTokenCache();
    await countTokensAsync('warm '.repeat(1000)); // pool up, encoder built in the worker
    const texts = ['x'.repeat(300_000), ...generateCorpus(13, 50), 'b'.repeat(300_000)];
    const retriesBefore = getTokenPoolStats().retries;
    const batch = countTokensBatch(texts);
    await new Promise((r) => setTimeout(r, 30));
    const threads = tokenPoolThreadsForTests();
    expect(threads.length).toBeGreaterThan(0);
    await threads[0].terminate();
    const got = await batch;
    expect(got).toEqual(texts.map((t) => countTokens(t)));
    expect(getTokenPoolStats().retries).toBeGreaterThan(retriesBefore);
    // The pool healed: a new count goes through a fresh worker.
    const after = 'after '.repeat(2000) + 'z';
    clearTokenCache();
    expect(await countTokensAsync(after)).toBe(countTokens(after));
  });

  it('rejects non-string input with a TypeError naming the argument', async () => {
    await expect(countTokensAsync(42 as unknown as string)).rejects.toThrow('countTokensAsync: text: invalid value 42; accepted: a string');
    await expect(countTokensBatch(['a', null as unknown as string])).rejects.toThrow(/texts\[1\]: invalid value null/);
    await expect(countTokensBatch('abc' as unknown as string[])).rejects.toThrow(TypeError);
  });

  it('closeTokenPool stops the workers; the next count starts again', async () => {
    await closeTokenPool();
    expect(getTokenPoolStats().started).toBe(false);
    const text = 'again '.repeat(1000);
    clearTokenCache();
    expect(await countTokensAsync(text)).toBe(countTokens(text));
    expect(getTokenPoolStats().started).toBe(true);
  });

  it('does not keep the process alive', async () => {
    const script = [
      "const { countTokensAsync, configureTokenPool } = require('./src/accelerators/tokens/pool');",
      'configureTokenPool({ inlineBelowChars: 100 });',
      "countTokensAsync('word '.repeat(5000)).then((n) => console.log('count', n));",
    ].join('\n');
    const root = path.resolve(__dirname, '../..');
    const { stdout } = await run(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { cwd: root, timeout: 30_000 });
    expect(stdout.trim()).toBe(`count ${countTokens('word '.repeat(5000))}`);
  });
});
