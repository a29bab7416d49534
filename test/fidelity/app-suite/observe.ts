import { appendFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { expect } from 'vitest';

// What an app's test saw, written for ../app-suite.test.ts to compare plain with shimmed runs
// exactly (key order included: an app that JSON-serialises a result would see a reordering).

const OUT = process.env.APP_SUITE_OUT;
const file = expect.getState().testPath ?? 'unknown';

/** A JSON-safe picture of v: undefined, functions, errors, symbols, bigints and classes stay visible. */
export function picture(v: unknown, key = '', seen = new Set<unknown>()): unknown {
  if (v === undefined) return { $undefined: true };
  if (typeof v === 'function') return { $function: v.name };
  if (typeof v === 'symbol' || typeof v === 'bigint') return { [`$${typeof v}`]: String(v) };
  // litellm stamps results with getUnixTimestamp(): the runs compared are seconds apart.
  if (key === 'created' && typeof v === 'number' && Math.abs(v - Date.now() / 1000) < 600) return '$now';
  if (v === null || typeof v !== 'object') return v;
  if (seen.has(v)) return { $cycle: true };
  seen.add(v);
  if (v instanceof Error) {
    const e = v as Error & { code?: unknown; status?: unknown };
    return {
      $error: e.constructor.name, name: e.name, message: e.message, code: picture(e.code), status: picture(e.status),
    };
  }
  const proto = Object.getPrototypeOf(v);
  const out: Record<string, unknown> = {};
  if (Array.isArray(v)) return v.map((x) => picture(x, '', seen));
  if (proto !== Object.prototype && proto !== null) out.$class = proto?.constructor?.name ?? '?';
  for (const k of Object.keys(v)) out[k] = picture((v as Record<string, unknown>)[k], k, seen);
  return out;
}

/** Records one observation; the outer test compares it across runs (perMode: only within one shim mode). */
export function record(name: string, value: unknown, opts: { perMode?: boolean } = {}): void {
  if (OUT === undefined) return;
  const test = expect.getState().currentTestName ?? '';
  appendFileSync(OUT, `${JSON.stringify({ file: file.split('/app-suite/').pop(), test, name, perMode: !!opts.perMode, value: picture(value) })}\n`);
}

/** Runs fn and pictures its outcome: { ok: value } or { threw: error }. */
export async function outcome(fn: () => unknown): Promise<{ ok?: unknown; threw?: unknown }> {
  try {
    return { ok: await fn() };
  } catch (err) {
    return { threw: err };
  }
}

/** Collects a streamed result (or says it was not iterable). */
export async function collect(stream: unknown): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const chunk of stream as AsyncIterable<unknown>) out.push(chunk);
  return out;
}

type Internals = typeof Module & { _resolveFilename(request: string, parent: unknown): string };

/**
 * jest.mock(name, factory) for CommonJS, as an app's vitest suite can do it: a loaded module record
 * in require.cache at the path litellm resolves `name` to, so litellm's own require() gets `exports`.
 * Call before litellm is first loaded. Returns the undo.
 */
export function stubRequire(name: string, exports: unknown): () => void {
  const req = createRequire(__filename);
  const litellmDir = dirname(req.resolve('litellm'));
  const paths = (Module as any)._nodeModulePaths(litellmDir);
  const filename = (Module as Internals)._resolveFilename(name, { id: litellmDir, filename: litellmDir, paths });
  const stub = new Module(filename);
  stub.filename = filename;
  stub.loaded = true;
  stub.exports = exports;
  const previous = req.cache[filename];
  req.cache[filename] = stub;
  return () => {
    if (previous === undefined) delete req.cache[filename];
    else req.cache[filename] = previous;
  };
}
