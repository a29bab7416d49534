// Token rows against the tokenizer libraries themselves: js-tiktoken (litellm's, the one most Node apps
// use) and tiktoken (WASM), through each library's own API and through the engine's library-shaped
// encoders (what the js-tiktoken / tiktoken patch rows serve), on prose, source code and number-heavy
// text; every hostile 1 MiB shape; and the first use in a fresh process.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { configureTokenCache, countTokens, JsTiktokenRules, TiktokenRules, TOKEN_CACHE_DEFAULTS } from '../../src/accelerators/tokens';
import { getEncoder } from '../../src/accelerators/tokens/encodings';
import { RowSkipped } from '../lib/skip';
import { summarize } from '../lib/stats';
import type { CustomResult, CustomRow, FnRow, RowContext } from '../lib/types';
import { hostileShapes, TEXT_KINDS, textOf, type TextKind } from './_tokens-text';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
/** litellm's own js-tiktoken (what `require('litellm')` loads). */
const JS_TIKTOKEN = require.resolve('js-tiktoken', { paths: [path.dirname(require.resolve('litellm/package.json'))] });
/** The version in the package.json above an entry file (tiktoken does not export its package.json). */
function versionOf(entry: string): string {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return '?';
}
const JS_VERSION = versionOf(JS_TIKTOKEN);
const WASM_VERSION = versionOf(require.resolve('tiktoken'));

interface JsEncoding {
  encode(text: string, allowed?: unknown, disallowed?: unknown): number[];
}
interface WasmEncoding {
  encode(text: string, allowed?: unknown, disallowed?: unknown): Uint32Array;
}

let js: JsEncoding | undefined;
let wasm: WasmEncoding | undefined;
const jsEncoding = (): JsEncoding => (js ??= (require(JS_TIKTOKEN) as { getEncoding(n: string): JsEncoding }).getEncoding('cl100k_base'));
const wasmEncoding = (): WasmEncoding => (wasm ??= (require('tiktoken') as { get_encoding(n: string): WasmEncoding }).get_encoding('cl100k_base'));

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

function libRow(mode: Mode, kind: TextKind, [tokens, label, variants]: (typeof SIZES)[number]): FnRow {
  let texts: string[] = [];
  const ids = { 'js-tiktoken': 'js-tiktoken.encode', tiktoken: 'tiktoken.encode', length: 'encode-length' }[mode];
  const row: FnRow = {
    kind: 'fn',
    id: `tokens.${ids}.${kind}.${tokens >= 1000 ? `${tokens / 1000}k` : tokens}`,
    name: `${mode === 'length' ? 'encode(text).length' : `${mode} encode(text)`}, ${label} of ${kind} (cl100k)`,
    group: 'tokens',
    baselineName: mode === 'tiktoken' ? `tiktoken ${WASM_VERSION} (WASM) encode` : `js-tiktoken ${JS_VERSION} (litellm's) encode${mode === 'length' ? '().length' : ''}`,
    acceleratedName: mode === 'js-tiktoken' ? 'JsTiktokenRules.encode (fast-litellm engine)'
      : mode === 'tiktoken' ? 'TiktokenRules.encode (fast-litellm engine)' : 'countTokens (memo off)',
    setup() {
      texts = Array.from({ length: variants }, (_, v) => textOf(kind, tokens, 3000 + v));
      configureTokenCache({ maxBytes: 0 });
      if (mode === 'js-tiktoken') {
        const rules = JsTiktokenRules.create('cl100k_base')!;
        row.baseline = rotating(texts, (t) => jsEncoding().encode(t));
        row.accelerated = rotating(texts, (t) => rules.encode(t));
      } else if (mode === 'tiktoken') {
        const rules = TiktokenRules.create('cl100k_base')!;
        row.baseline = rotating(texts, (t) => wasmEncoding().encode(t));
        row.accelerated = rotating(texts, (t) => rules.encode(t));
      } else {
        row.baseline = rotating(texts, (t) => jsEncoding().encode(t).length);
        row.accelerated = rotating(texts, (t) => countTokens(t));
        row.peers = { [`tiktoken ${WASM_VERSION} (WASM) encode().length`]: rotating(texts, (t) => wasmEncoding().encode(t).length) };
      }
    },
    teardown() {
      configureTokenCache({ maxBytes: TOKEN_CACHE_DEFAULTS.maxBytes });
    },
    baseline: () => 0,
    accelerated: () => 0,
  };
  return row;
}

// --- every hostile 1 MiB shape --------------------------------------------------------------------
interface LibraryRun {
  ms: number;
  ids?: number[];
  /** The library failed (tiktoken's WASM hits `unreachable` on some 1 MiB pieces). */
  error?: string;
}

/** A library's encode of `text` in a worker, killed after capMs: undefined when it did not finish. */
function libraryInWorker(lib: 'js-tiktoken' | 'tiktoken', text: string, capMs: number): Promise<LibraryRun | undefined> {
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    const lib = require(workerData.lib);
    const enc = workerData.wasm ? lib.get_encoding('cl100k_base') : lib.getEncoding('cl100k_base');
    parentPort.postMessage('ready');
    const t = performance.now(); const ids = Array.from(enc.encode(workerData.text));
    parentPort.postMessage({ ms: performance.now() - t, ids });`;
  return new Promise((resolve) => {
    const w = new Worker(code, { eval: true, workerData: { lib: lib === 'tiktoken' ? require.resolve('tiktoken') : JS_TIKTOKEN, wasm: lib === 'tiktoken', text } });
    let timer: NodeJS.Timeout | undefined;
    w.on('message', (m) => {
      if (m === 'ready') {
        timer = setTimeout(() => void w.terminate().then(() => resolve(undefined)), capMs);
        return;
      }
      clearTimeout(timer);
      void w.terminate();
      resolve(m);
    });
    const started = performance.now();
    w.once('error', (e) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    });
  });
}

function wallMs(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const hostileRow: CustomRow = {
  kind: 'custom',
  id: 'tokens.hostile-1mb',
  name: 'hostile 1 MiB input, encode (cl100k)',
  group: 'tokens',
  baselineName: `js-tiktoken ${JS_VERSION} encode (killed at the cap)`,
  acceleratedName: 'fast-litellm encode (bucket merge for long pieces)',
  async run(ctx: RowContext) {
    const capMs = ctx.quick ? 500 : 3000;
    const encoder = getEncoder('cl100k_base');
    const results: CustomResult[] = [];
    for (const [shape, text] of Object.entries(hostileShapes())) {
      const ours: number[] = [];
      encoder.encode(text, ours);
      const [jsRun, wasmRun] = [await libraryInWorker('js-tiktoken', text, capMs), await libraryInWorker('tiktoken', text, capMs)];
      for (const [lib, r] of [['js-tiktoken', jsRun], ['tiktoken', wasmRun]] as const) {
        if (r?.ids && !isDeepStrictEqual(r.ids, ours)) throw new Error(`${shape}: ${lib} gives ${r.ids.length} tokens, fast-litellm ${ours.length}`);
      }
      const encodeMs: number[] = [];
      const countMs: number[] = [];
      for (let i = 0; i < (ctx.quick ? 2 : 4); i++) {
        encodeMs.push(wallMs(() => encoder.encode(text, [])));
        countMs.push(wallMs(() => encoder.count(text)));
      }
      const lib = (r: LibraryRun | undefined) => (r === undefined ? `> ${capMs} ms (killed)` : r.error ? `threw "${r.error}"` : `${r.ms.toFixed(0)} ms`);
      const libMs = (r: LibraryRun | undefined) => (r === undefined || r.error ? capMs : r.ms);
      results.push({
        label: shape,
        unit: 'ms',
        higherIsBetter: false,
        baseline: summarize([libMs(jsRun)]),
        accelerated: summarize(encodeMs),
        peers: { [`tiktoken ${WASM_VERSION} (WASM) encode`]: summarize([libMs(wasmRun)]), 'fast-litellm count': summarize(countMs) },
        note: `${Buffer.byteLength(text) >> 10} KiB UTF-8, ${ours.length} tokens; js-tiktoken ${lib(jsRun)}, tiktoken ${lib(wasmRun)}; `
          + `fast-litellm encode ${Math.max(...encodeMs).toFixed(0)} ms, count ${Math.max(...countMs).toFixed(0)} ms (worst of ${encodeMs.length}); ids equal where a library finished`,
      });
      ctx.tick(shape);
    }
    return results;
  },
};

// --- first use in a fresh process -----------------------------------------------------------------
const FIRST_TEXT = 'Summarise the plan in three bullet points, please: budget, latency, and the fallback order.';

function firstUseScript(kind: 'js' | 'wasm' | 'ours-encode' | 'ours-count', encoding: string): string {
  const text = JSON.stringify(FIRST_TEXT);
  const body = {
    js: `const r = require(${JSON.stringify(JS_TIKTOKEN)}).getEncoding('${encoding}').encode(${text});`,
    wasm: `const r = Array.from(require('tiktoken').get_encoding('${encoding}').encode(${text}));`,
    'ours-encode': `const r = require('./dist/cjs/accelerators/tokens').JsTiktokenRules.create('${encoding}').encode(${text});`,
    'ours-count': `const r = require('./dist/cjs/accelerators/tokens').countTokens(${text}, { encoding: '${encoding}' });`,
  }[kind];
  return `const t = performance.now(); ${body} const ms = performance.now() - t; console.log(JSON.stringify({ ms, r }));`;
}

const firstUseRow: CustomRow = {
  kind: 'custom',
  id: 'tokens.first-use',
  name: 'first encode of a process, from require (fresh process)',
  group: 'tokens',
  baselineName: `js-tiktoken ${JS_VERSION}: require, getEncoding, encode`,
  acceleratedName: 'fast-litellm (dist): require, JsTiktokenRules.create, encode',
  async run(ctx: RowContext) {
    if (!existsSync(path.join(ROOT, 'dist/cjs/accelerators/tokens/index.js'))) throw new RowSkipped('dist/ missing: run make build first');
    // dist built before the tables step existed: write them (what make build does now).
    if (!existsSync(path.join(ROOT, 'dist/cjs/accelerators/tokens/tables/o200k_base.bin'))) {
      await run(process.execPath, ['dist/cjs/accelerators/tokens/build-tables.js'], { cwd: ROOT });
    }
    const once = async (kind: Parameters<typeof firstUseScript>[0], encoding: string) => {
      const { stdout } = await run(process.execPath, ['-e', firstUseScript(kind, encoding)], { cwd: ROOT, timeout: 60_000 });
      return JSON.parse(stdout.trim().split('\n').pop() as string) as { ms: number; r: number[] | number };
    };
    const results: CustomResult[] = [];
    for (const [encoding, ours] of [['cl100k_base', 'ours-encode'], ['o200k_base', 'ours-encode'], ['cl100k_base', 'ours-count']] as const) {
      const base: number[] = [];
      const acc: number[] = [];
      const peer: number[] = [];
      for (let i = 0; i < (ctx.quick ? 3 : 5); i++) {
        const [b, a, p] = [await once('js', encoding), await once(ours, encoding), await once('wasm', encoding)];
        const want = ours === 'ours-count' ? (b.r as number[]).length : b.r;
        if (!isDeepStrictEqual(want, a.r) || !isDeepStrictEqual(b.r, p.r)) throw new Error(`first use ${encoding}: ids differ`);
        base.push(b.ms);
        acc.push(a.ms);
        peer.push(p.ms);
        ctx.tick(encoding);
      }
      results.push({
        label: ours === 'ours-count' ? `${encoding}, countTokens vs encode().length` : encoding,
        unit: 'ms',
        higherIsBetter: false,
        baseline: summarize(base),
        accelerated: summarize(acc),
        peers: { [`tiktoken ${WASM_VERSION} (WASM): require, get_encoding, encode`]: summarize(peer) },
        note: `ms from the first require to the first ids, in ${base.length} fresh processes each (alternating); the same ids checked`,
      });
    }
    return results;
  },
};

export function libraryRows(): (FnRow | CustomRow)[] {
  const rows: (FnRow | CustomRow)[] = [];
  for (const size of SIZES) for (const kind of TEXT_KINDS) for (const mode of ['js-tiktoken', 'tiktoken', 'length'] as const) rows.push(libRow(mode, kind, size));
  return [...rows, hostileRow, firstUseRow];
}
