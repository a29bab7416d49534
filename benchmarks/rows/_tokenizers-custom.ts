// Tokenizer rows that measure themselves: every hostile 1 MiB shape through each library's API (the
// plain libraries in a worker, killed at a cap), the first encode of a fresh process (plain vs
// `-r fast-litellm/register`), and LangChain's getNumTokens on a chat history in the LangChain fixture.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { RowSkipped } from '../lib/skip';
import { summarize } from '../lib/stats';
import type { CustomResult, CustomRow, RowContext } from '../lib/types';
import { JS_TIKTOKEN, TIKTOKEN, type JsTiktoken, type WasmTiktoken } from './_plain';
import { hostileShapes } from './_tokens-text';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const REGISTER = path.join(ROOT, 'dist/cjs/register.js');

interface Libraries {
  plainJs: JsTiktoken;
  plainWasm: WasmTiktoken;
  shimmed: () => { js: JsTiktoken; wasm: WasmTiktoken };
  JS_VERSION: string;
  WASM_VERSION: string;
}

interface LibraryRun {
  ms: number;
  ids?: number[];
  /** The library failed (tiktoken's WASM hits `unreachable` on some 1 MiB pieces). */
  error?: string;
}

/** A plain library's encode of `text` in a worker, killed after capMs: undefined when it did not finish. */
function libraryInWorker(lib: 'js-tiktoken' | 'tiktoken', text: string, capMs: number): Promise<LibraryRun | undefined> {
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    const lib = require(workerData.lib);
    const enc = workerData.wasm ? lib.get_encoding('cl100k_base') : lib.getEncoding('cl100k_base');
    parentPort.postMessage('ready');
    const t = performance.now(); const ids = Array.from(enc.encode(workerData.text));
    parentPort.postMessage({ ms: performance.now() - t, ids });`;
  return new Promise((resolve) => {
    const workerData = { lib: lib === 'tiktoken' ? TIKTOKEN : JS_TIKTOKEN, wasm: lib === 'tiktoken', text };
    const w = new Worker(code, { eval: true, workerData });
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

function timed<R>(fn: () => R): [number, R] {
  const t = performance.now();
  const r = fn();
  return [performance.now() - t, r];
}

function hostileRow(libs: Libraries): CustomRow {
  return {
    kind: 'custom',
    id: 'tokenizers.hostile-1mb',
    name: 'hostile 1 MiB input, encode(text) (cl100k)',
    group: 'tokenizers',
    baselineName: `js-tiktoken ${libs.JS_VERSION} encode, plain (killed at the cap)`,
    acceleratedName: `js-tiktoken ${libs.JS_VERSION} encode under the shim`,
    async run(ctx: RowContext) {
      const capMs = ctx.quick ? 500 : 3000;
      const { js, wasm } = libs.shimmed();
      const [jsEnc, wasmEnc] = [js.getEncoding('cl100k_base'), wasm.get_encoding('cl100k_base')];
      const results: CustomResult[] = [];
      for (const [shape, text] of Object.entries(hostileShapes())) {
        const ours = jsEnc.encode(text);
        if (!isDeepStrictEqual(Array.from(wasmEnc.encode(text)), ours)) throw new Error(`${shape}: the shimmed libraries disagree`);
        const [jsRun, wasmRun] = [await libraryInWorker('js-tiktoken', text, capMs), await libraryInWorker('tiktoken', text, capMs)];
        for (const [lib, r] of [['js-tiktoken', jsRun], ['tiktoken', wasmRun]] as const) {
          if (r?.ids && !isDeepStrictEqual(r.ids, ours)) throw new Error(`${shape}: plain ${lib} gives ${r.ids.length} tokens, shimmed ${ours.length}`);
        }
        const jsMs: number[] = [];
        const wasmMs: number[] = [];
        for (let i = 0; i < (ctx.quick ? 2 : 4); i++) {
          jsMs.push(timed(() => jsEnc.encode(text))[0]);
          wasmMs.push(timed(() => wasmEnc.encode(text))[0]);
        }
        const said = (r: LibraryRun | undefined) => (r === undefined ? `> ${capMs} ms (killed)` : r.error ? `threw "${r.error}"` : `${r.ms.toFixed(0)} ms`);
        const libMs = (r: LibraryRun | undefined) => (r === undefined || r.error ? capMs : r.ms);
        const worst = (xs: number[]) => Math.max(...xs).toFixed(0);
        results.push({
          label: shape,
          unit: 'ms',
          higherIsBetter: false,
          baseline: summarize([libMs(jsRun)]),
          accelerated: summarize(jsMs),
          peers: {
            [`tiktoken ${libs.WASM_VERSION} (WASM) encode, plain`]: summarize([libMs(wasmRun)]),
            [`tiktoken ${libs.WASM_VERSION} (WASM) encode under the shim`]: summarize(wasmMs),
          },
          note: `${Buffer.byteLength(text) >> 10} KiB UTF-8, ${ours.length} tokens; plain js-tiktoken ${said(jsRun)}, plain tiktoken `
            + `${said(wasmRun)}; under the shim js-tiktoken ${worst(jsMs)} ms, tiktoken ${worst(wasmMs)} ms (worst of ${jsMs.length}); `
            + 'ids equal where a plain library finished',
        });
        ctx.tick(shape);
      }
      return results;
    },
  };
}

// --- first use in a fresh process -----------------------------------------------------------------
const FIRST_TEXT = 'Summarise the plan in three bullet points, please: budget, latency, and the fallback order.';

function firstUseScript(lib: 'js' | 'wasm', encoding: string): string {
  const text = JSON.stringify(FIRST_TEXT);
  const body = lib === 'js'
    ? `const r = require(${JSON.stringify(JS_TIKTOKEN)}).getEncoding('${encoding}').encode(${text});`
    : `const r = Array.from(require(${JSON.stringify(TIKTOKEN)}).get_encoding('${encoding}').encode(${text}));`;
  // `start`: from process start (node's own start-up and, shimmed, the register's load included).
  return `const start = performance.now(); const t = performance.now(); ${body} const now = performance.now();`
    + ' console.log(JSON.stringify({ ms: now - t, fromStart: now, start, r }));';
}

interface FirstUse {
  ms: number;
  fromStart: number;
  start: number;
  r: number[];
}

function firstUseRow(libs: Libraries): CustomRow {
  return {
    kind: 'custom',
    id: 'tokenizers.first-use',
    name: 'first encode of a process: require, getEncoding, encode (fresh process)',
    group: 'tokenizers',
    baselineName: `js-tiktoken ${libs.JS_VERSION}, plain node`,
    acceleratedName: `js-tiktoken ${libs.JS_VERSION}, node -r fast-litellm/register`,
    async run(ctx: RowContext) {
      if (!existsSync(REGISTER)) throw new RowSkipped('dist/cjs/register.js missing: run make build first');
      const once = async (lib: 'js' | 'wasm', encoding: string, shim: boolean) => {
        const args = [...(shim ? ['-r', REGISTER] : []), '-e', firstUseScript(lib, encoding)];
        const { stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });
        return JSON.parse(stdout.trim().split('\n').pop() as string) as FirstUse;
      };
      const results: CustomResult[] = [];
      for (const encoding of ['cl100k_base', 'o200k_base']) {
        const series: Record<'js' | 'jsShim' | 'wasm' | 'wasmShim', FirstUse[]> = { js: [], jsShim: [], wasm: [], wasmShim: [] };
        for (let i = 0; i < (ctx.quick ? 3 : 5); i++) {
          series.js.push(await once('js', encoding, false));
          series.jsShim.push(await once('js', encoding, true));
          series.wasm.push(await once('wasm', encoding, false));
          series.wasmShim.push(await once('wasm', encoding, true));
          const last = Object.values(series).map((s) => s[s.length - 1].r);
          if (!last.every((r) => isDeepStrictEqual(r, last[0]))) throw new Error(`first use ${encoding}: ids differ`);
          ctx.tick(encoding);
        }
        const ms = (s: FirstUse[]) => summarize(s.map((x) => x.ms));
        const med = (s: FirstUse[], k: 'fromStart' | 'start') => summarize(s.map((x) => x[k])).median.toFixed(0);
        results.push({
          label: encoding,
          unit: 'ms',
          higherIsBetter: false,
          baseline: ms(series.js),
          accelerated: ms(series.jsShim),
          peers: {
            [`tiktoken ${libs.WASM_VERSION} (WASM), plain node`]: ms(series.wasm),
            [`tiktoken ${libs.WASM_VERSION} (WASM), node -r fast-litellm/register`]: ms(series.wasmShim),
          },
          note: `ms from require() to the first ids, ${series.js.length} fresh processes each (alternating); the same ids checked. `
            + `From process start: js-tiktoken plain ${med(series.js, 'fromStart')} ms, shimmed ${med(series.jsShim, 'fromStart')} ms `
            + `(of which node and the register's own load ${med(series.jsShim, 'start')} ms, plain node ${med(series.js, 'start')} ms)`,
        });
      }
      return results;
    },
  };
}

// --- LangChain: ChatOpenAI.getNumTokensFromMessages on a 20-message history --------------------------
const FIXTURE = path.join(ROOT, 'test/fixtures/langchain');
const SCRIPT = path.join(ROOT, 'benchmarks/workload/langchain-tokens.cjs');

interface LangchainRun {
  firstMs: number;
  recountMs: number[];
  counts: number[];
  encoder: string;
}

function langchainRow(libs: Libraries): CustomRow {
  return {
    kind: 'custom',
    id: 'tokenizers.langchain-get-num-tokens',
    name: "LangChain ChatOpenAI.getNumTokensFromMessages, 20-message history (gpt-4o-mini, o200k)",
    group: 'tokenizers',
    baselineName: `@langchain/core 1.4 over js-tiktoken ${libs.JS_VERSION}/lite, plain node`,
    acceleratedName: 'the same, node -r fast-litellm/register',
    async run(ctx: RowContext) {
      if (!existsSync(REGISTER)) throw new RowSkipped('dist/cjs/register.js missing: run make build first');
      try {
        execFileSync('bash', [path.join(ROOT, 'scripts', 'fixtures.sh'), 'langchain'], { stdio: ['ignore', 'ignore', 'inherit'] });
      } catch {
        throw new RowSkipped('the LangChain fixture could not be installed (scripts/fixtures.sh langchain)');
      }
      const once = async (shim: boolean) => {
        const args = [...(shim ? ['-r', REGISTER] : []), SCRIPT, FIXTURE, String(ctx.quick ? 20 : 50)];
        const { stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '' } });
        return JSON.parse(stdout.trim().split('\n').pop() as string) as LangchainRun;
      };
      const plain: LangchainRun[] = [];
      const shimmed: LangchainRun[] = [];
      for (let i = 0; i < (ctx.quick ? 2 : 3); i++) {
        plain.push(await once(false));
        shimmed.push(await once(true));
        if (!isDeepStrictEqual(plain[i].counts, shimmed[i].counts)) throw new Error('LangChain counts differ plain vs shimmed');
        ctx.tick();
      }
      if (shimmed[0].encoder !== 'made by the shim' || plain[0].encoder !== 'plain') {
        throw new Error(`unexpected encoders: plain ${plain[0].encoder}, shimmed ${shimmed[0].encoder}`);
      }
      const note = 'LangChain downloads its rank file from tiktoken.pages.dev; here a fetch stand-in serves the fixture\'s own '
        + 'js-tiktoken ranks file (no network). Offline, the first getNumTokens retries the download for ~109 s, then counts '
        + 'ceil(length / 4) with a warning, with or without the shim (the shim does not change what LangChain fetches).';
      return [
        {
          label: 'first count of a process',
          unit: 'ms',
          higherIsBetter: false,
          baseline: summarize(plain.map((r) => r.firstMs)),
          accelerated: summarize(shimmed.map((r) => r.firstMs)),
          note: `download stand-in, new Tiktoken(ranks), 20 messages counted; ${note}`,
        },
        {
          label: 'recount of the history',
          unit: 'ms',
          higherIsBetter: false,
          baseline: summarize(plain.flatMap((r) => r.recountMs)),
          accelerated: summarize(shimmed.flatMap((r) => r.recountMs)),
          note: `per getNumTokensFromMessages of the 20-message history once the encoder exists; counts checked equal; ${note}`,
        },
      ];
    },
  };
}

export function tokenizerCustomRows(libs: Libraries): CustomRow[] {
  return [hostileRow(libs), firstUseRow(libs), langchainRow(libs)];
}
