// Plain copies of modules for baselines, in a process where the shim is applied: loaded at the import
// of a rows file (before any row's setup applies the acceleration) and dropped from require.cache with
// everything they loaded, so the shim never sees them and a later require loads, and patches, a copy of
// its own. Making one once the acceleration is active throws.
import path from 'node:path';
import { isActive } from '../../src/shims/loader';

export function plainCopy<T>(file: string): T {
  if (isActive()) throw new Error(`plain copy of ${file}: the acceleration is already active in this process`);
  const before = new Set(Object.keys(require.cache));
  const mod = require(file) as T;
  for (const key of Object.keys(require.cache)) if (!before.has(key)) delete require.cache[key];
  return mod;
}

export interface JsEncoding {
  encode(text: string, allowed?: unknown, disallowed?: unknown): number[];
}
export interface WasmEncoding {
  encode(text: string, allowed?: unknown, disallowed?: unknown): Uint32Array;
  encode_ordinary(text: string): Uint32Array;
}
export interface JsTiktoken {
  getEncoding(name: string): JsEncoding;
}
export interface WasmTiktoken {
  get_encoding(name: string): WasmEncoding;
}

/** litellm's own js-tiktoken (what `require('litellm')` loads) and tiktoken, as resolved from here. */
export const JS_TIKTOKEN = require.resolve('js-tiktoken', { paths: [path.dirname(require.resolve('litellm/package.json'))] });
export const TIKTOKEN = require.resolve('tiktoken');

/** The version in the package.json above an entry file (tiktoken does not export its package.json). */
export function versionOf(entry: string): string {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      return (require(path.join(dir, 'package.json')) as { version: string }).version;
    } catch {
      // not here: one level up
    }
  }
  return '?';
}
