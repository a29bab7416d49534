import { expect, it } from 'vitest';
import { exposeStatement, initialize, loadSync } from '../../src/shims/loader/esm-hook';

// The ESM load hook's one rewrite, on sources like the SDKs' generated code.

it('exposes function and class bindings with a setter, const ones read-only, and nothing else', () => {
  const src = 'export function getDefaultFetch() {\n  return fetch;\n}\nexport class Stream {}\nexport const K = 1;\nconst hidden = 2;\n';
  const add = exposeStatement(src, ['getDefaultFetch', 'Stream', 'K', 'missing', 'bad-name'])!;
  expect(add.startsWith('\n;')).toBe(true);
  expect(add.split('\n').length).toBe(3);
  expect(add).toContain('getDefaultFetch: { get() { return getDefaultFetch; }, set(v) { getDefaultFetch = v; }');
  expect(add).toContain('Stream: { get() { return Stream; }, set(v) { Stream = v; }');
  expect(add).toContain('K: { get() { return K; }, enumerable: true }');
  expect(add).not.toContain('missing');
  expect(add).not.toContain('bad-name');
  expect(exposeStatement(src, ['hidden2'])).toBeUndefined();
});

it('the appended statement hands a live accessor object to the queue', () => {
  const src = 'function getDefaultFetch() { return 1; }\n';
  const add = exposeStatement(src, ['getDefaultFetch'])!;
  const q: unknown[] = [];
  const g = { [Symbol.for('fast-litellm.esm-exports')]: q };
  // The statement as a function body (import.meta replaced): a setter call changes the binding.
  const run = new Function('globalThis', `${src}${add.replace('import.meta.url', "'file:///x.mjs'")}; return () => getDefaultFetch();`);
  const call = run(g) as () => unknown;
  const [[url, holder]] = q as [string, { getDefaultFetch: () => unknown }][];
  expect(url).toBe('file:///x.mjs');
  expect(call()).toBe(1);
  holder.getDefaultFetch = () => 2;
  expect(call()).toBe(2);
  expect(Object.getOwnPropertyDescriptor(holder, 'getDefaultFetch')!.configurable).toBe(false);
});

it('only the named files of the named package are rewritten, only as ES modules', () => {
  initialize({ targets: [{ package: 'openai', file: 'internal/shims.mjs', names: ['getDefaultFetch'] }] });
  const source = 'export function getDefaultFetch() {}\n';
  const next = (format: string) => () => ({ format, source });
  const hit = 'file:///app/node_modules/openai/internal/shims.mjs';
  expect(String(loadSync(hit, {}, next('module')).source)).toContain('fast-litellm.esm-exports');
  expect(loadSync(hit, {}, next('commonjs')).source).toBe(source);
  expect(loadSync('file:///app/node_modules/other/internal/shims.mjs', {}, next('module')).source).toBe(source);
  expect(loadSync('file:///app/node_modules/openai/internal/shims.js', {}, next('module')).source).toBe(source);
  initialize(undefined);
});
