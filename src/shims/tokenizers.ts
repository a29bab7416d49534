import { isDeepStrictEqual } from 'node:util';
import { lazy } from './lazy';
import { setStatus, state } from './loader/state';
import type { FunctionRow, PatchRow, PatchTable } from './types';

const js = lazy('js-tiktoken', () => require('./js-tiktoken') as typeof import('./js-tiktoken'));
const wasm = lazy('tiktoken-wasm', () => require('./tiktoken-wasm') as typeof import('./tiktoken-wasm'));

// The patch tables for the tokenizer libraries apps count with themselves: js-tiktoken (litellm's,
// LangChain's) and tiktoken (WASM). Feature token_counting. Encoders made under the shim are instances
// of the library's own class. The prototype rows replace one method in place (the class and its
// prototype stay the same objects); the factory and class rows replace their export while the feature
// is on. CommonJS builds only: js-tiktoken's ESM build (`dist/*.js`) and an ESM import of tiktoken are
// not reached.

// js-tiktoken 1.0.7 to 1.0.21 have the same Tiktoken class and the same vocabularies and patterns
// (o200k_base from 1.0.12; getEncoding leaves it to a version that does not know it).
const JS = { package: 'js-tiktoken', versions: '>=1.0.7 <1.1.0', feature: 'token_counting' } as const;
const WASM = { package: 'tiktoken', versions: '>=1.0.22 <1.1.0', feature: 'token_counting' } as const;

// Prototype methods answer for the app's encoder: their errors (a disallowed special token) are the
// library's answer, re-thrown as is; only a failure of the shim's own (marked) falls back.
const inPlace: FunctionRow['guard'] = { sideEffects: true };

// Shadow mode on a factory: the two encoders are alike when they are of one class with one pattern and
// the same special tokens; a deep comparison would build the lazy internals (a js-tiktoken rank map, a
// WASM encoder) only to compare them.
type Enc = { patStr?: unknown; specialTokens?: unknown };
const sameWasm = (a: unknown, b: unknown): boolean =>
  a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Object.getPrototypeOf(a) === Object.getPrototypeOf(b);
const sameJs = (a: unknown, b: unknown): boolean => sameWasm(a, b) && (a as Enc).patStr === (b as Enc).patStr
  && isDeepStrictEqual((a as Enc).specialTokens, (b as Enc).specialTokens);

/** getPatchStatus() says, on an applied row, what it left to the library and how often. */
function note(id: string): (what: string) => void {
  let n = 0;
  return (what) => {
    n++;
    const row = [...jsRows, ...wasmRows].find((r) => r.id === id);
    if (row !== undefined && state.status.get(id)?.state === 'applied') {
      setStatus(row, { reason: `left to ${row.package} itself ${n === 1 ? 'once' : `${n} times`}, last: ${what}` });
    }
  };
}

const jsRows: PatchRow[] = [
  // Before the class rows: getEncoding makes its encoders with the class as the library left it.
  { ...JS, id: 'js-tiktoken.getEncoding', file: 'dist/index.cjs', export: 'getEncoding',
    replace: (o, h) => js().jsGetEncoding(o, h, note('js-tiktoken.getEncoding')), guard: { equals: sameJs } },
  { ...JS, id: 'js-tiktoken.encodingForModel', file: 'dist/index.cjs', export: 'encodingForModel',
    replace: (o, h) => js().jsEncodingForModel(o, h, note('js-tiktoken.encodingForModel')), guard: { equals: sameJs } },
  ...(['index', 'lite'] as const).flatMap((entry): PatchRow[] => [
    {
      ...JS, id: `js-tiktoken.${entry}.Tiktoken.prototype.encode`, file: `dist/${entry}.cjs`, export: 'Tiktoken.prototype.encode',
      replace: (o) => js().jsEncode(o), guard: inPlace,
    },
    // `new Tiktoken(ranks)`: a standard rank set (the ranks files, LangChain's download) makes our encoder.
    { ...JS, id: `js-tiktoken.${entry}.Tiktoken`, file: `dist/${entry}.cjs`, export: 'Tiktoken',
      value: (o) => js().jsTiktokenClass('token_counting', note(`js-tiktoken.${entry}.Tiktoken`))(o) },
  ]),
];

// tiktoken.cjs copies its exports from tiktoken_bg.cjs, whose Tiktoken class both share.
const wasmRows: PatchRow[] = [
  { ...WASM, id: 'tiktoken.get_encoding', file: 'tiktoken.cjs', export: 'get_encoding',
    replace: (o, h) => wasm().wasmGetEncoding(o, h, note('tiktoken.get_encoding')), guard: { equals: sameWasm } },
  { ...WASM, id: 'tiktoken.encoding_for_model', file: 'tiktoken.cjs', export: 'encoding_for_model',
    replace: (o, h) => wasm().wasmEncodingForModel(o, h, note('tiktoken.encoding_for_model')), guard: { equals: sameWasm } },
  ...(['encode', 'encode_ordinary'] as const).map((method): PatchRow => ({
    ...WASM, id: `tiktoken.Tiktoken.prototype.${method}`, file: 'tiktoken_bg.cjs', export: `Tiktoken.prototype.${method}`,
    replace: (o) => wasm().wasmEncode(method)(o), guard: inPlace,
  })),
  {
    ...WASM, id: 'tiktoken.Tiktoken.prototype.free', file: 'tiktoken_bg.cjs', export: 'Tiktoken.prototype.free',
    replace: (o) => wasm().wasmFree(o), guard: inPlace,
  },
];

export const jsTiktokenTable: PatchTable = { package: 'js-tiktoken', rows: jsRows };
export const tiktokenTable: PatchTable = { package: 'tiktoken', rows: wasmRows };
