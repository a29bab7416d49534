// The tokenizer libraries apps count with themselves, through their own APIs, plain vs under the shim:
// js-tiktoken's `getEncoding('cl100k_base').encode(text)` (litellm's copy, the one most Node apps
// use) and tiktoken's (WASM) `get_encoding('cl100k_base').encode(text)`, on prose, source code and
// number-heavy text at ~20, ~1k and ~100k tokens; `encode(text).length` (what counting apps do); every
// hostile 1 MiB shape; the first use in a fresh process; LangChain's getNumTokens on a chat history.
// The plain side is a copy of each library the shim never saw (_plain.ts), in this same process.
import { applyAcceleration, getPatchStatus } from '../../src/index';
import { configureTokenCache, countTokens, TOKEN_CACHE_DEFAULTS } from '../../src/accelerators/tokens';
import type { BenchRow, FnRow } from '../lib/types';
import { JS_TIKTOKEN, plainCopy, TIKTOKEN, versionOf, type JsTiktoken, type WasmTiktoken } from './_plain';
import { tokenizerCustomRows } from './_tokenizers-custom';
import { TEXT_KINDS, textOf, type TextKind } from './_tokens-text';

const JS_VERSION = versionOf(JS_TIKTOKEN);
const WASM_VERSION = versionOf(TIKTOKEN);
const plainJs = plainCopy<JsTiktoken>(JS_TIKTOKEN);
const plainWasm = plainCopy<WasmTiktoken>(TIKTOKEN);

let shimmed: { js: JsTiktoken; wasm: WasmTiktoken } | undefined;
/** The libraries as the app requires them with the shim applied (their factories and prototypes patched). */
export function shimmedLibraries(): { js: JsTiktoken; wasm: WasmTiktoken } {
  if (shimmed === undefined) {
    applyAcceleration({ features: { token_counting: 'on' } });
    shimmed = { js: require(JS_TIKTOKEN) as JsTiktoken, wasm: require(TIKTOKEN) as WasmTiktoken };
    const rows = getPatchStatus().rows.filter((r) => r.id === 'js-tiktoken.getEncoding' || r.id === 'tiktoken.get_encoding');
    if (rows.length !== 2 || rows.some((r) => r.state !== 'applied')) throw new Error(`tokenizer rows not applied: ${JSON.stringify(rows)}`);
  }
  return shimmed;
}

// Plain encoders are built once per process (js-tiktoken's takes ~0.3-0.6 s), as an app would.
let plainJsEnc: ReturnType<JsTiktoken['getEncoding']> | undefined;
let plainWasmEnc: ReturnType<WasmTiktoken['get_encoding']> | undefined;
const plainJsEncoder = () => (plainJsEnc ??= plainJs.getEncoding('cl100k_base'));
const plainWasmEncoder = () => (plainWasmEnc ??= plainWasm.get_encoding('cl100k_base'));

const SIZES: readonly [number, string, number][] = [
  [20, '~20 tokens', 64],
  [1000, '~1k tokens', 16],
  [100_000, '~100k tokens', 2],
];

function rotating<R>(texts: string[], fn: (text: string) => R): () => R {
  let i = 0;
  return () => fn(texts[i++ % texts.length]);
}

type Mode = 'js-tiktoken' | 'tiktoken' | 'length';

function apiRow(mode: Mode, kind: TextKind, [tokens, label, variants]: (typeof SIZES)[number]): FnRow {
  let texts: string[] = [];
  const size = tokens >= 1000 ? `${tokens / 1000}k` : String(tokens);
  const id = { 'js-tiktoken': 'js-tiktoken.encode', tiktoken: 'tiktoken.encode', length: 'js-tiktoken.encode-length' }[mode];
  const call = mode === 'length' ? 'encode(text).length' : 'encode(text)';
  const lib = mode === 'tiktoken' ? `tiktoken ${WASM_VERSION} (WASM)` : `js-tiktoken ${JS_VERSION}`;
  const row: FnRow = {
    kind: 'fn',
    id: `tokenizers.${id}.${kind}.${size}`,
    name: `${mode === 'tiktoken' ? 'tiktoken' : 'js-tiktoken'} ${call}, ${label} of ${kind} (cl100k)`,
    group: 'tokenizers',
    baselineName: `${lib} ${call}, plain`,
    acceleratedName: `${lib} ${call} under the shim`,
    setup() {
      texts = Array.from({ length: variants }, (_, v) => textOf(kind, tokens, 3000 + v));
      const libs = shimmedLibraries();
      if (mode === 'tiktoken') {
        const [plain, ours] = [plainWasmEncoder(), libs.wasm.get_encoding('cl100k_base')];
        row.baseline = rotating(texts, (t) => plain.encode(t));
        row.accelerated = rotating(texts, (t) => ours.encode(t));
        return;
      }
      const [plain, ours] = [plainJsEncoder(), libs.js.getEncoding('cl100k_base')];
      if (mode === 'js-tiktoken') {
        row.baseline = rotating(texts, (t) => plain.encode(t));
        row.accelerated = rotating(texts, (t) => ours.encode(t));
        return;
      }
      row.baseline = rotating(texts, (t) => plain.encode(t).length);
      row.accelerated = rotating(texts, (t) => ours.encode(t).length);
      const [wasmPlain, wasmOurs] = [plainWasmEncoder(), libs.wasm.get_encoding('cl100k_base')];
      configureTokenCache({ maxBytes: 0 });
      row.peers = {
        [`tiktoken ${WASM_VERSION} (WASM) encode(text).length, plain`]: rotating(texts, (t) => wasmPlain.encode(t).length),
        [`tiktoken ${WASM_VERSION} (WASM) encode(text).length under the shim`]: rotating(texts, (t) => wasmOurs.encode(t).length),
        "fast-litellm's countTokens (count-only, memo off)": rotating(texts, (t) => countTokens(t)),
      };
    },
    teardown() {
      configureTokenCache({ maxBytes: TOKEN_CACHE_DEFAULTS.maxBytes });
    },
    baseline: () => 0,
    accelerated: () => 0,
  };
  return row;
}

function apiRows(): FnRow[] {
  const out: FnRow[] = [];
  for (const size of SIZES) for (const kind of TEXT_KINDS) for (const mode of ['js-tiktoken', 'tiktoken', 'length'] as const) out.push(apiRow(mode, kind, size));
  return out;
}

const libraries = { plainJs, plainWasm, shimmed: shimmedLibraries, JS_VERSION, WASM_VERSION };
export const rows: BenchRow[] = [...apiRows(), ...tokenizerCustomRows(libraries)];
