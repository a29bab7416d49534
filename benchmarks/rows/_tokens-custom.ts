// Token rows that measure themselves: CPU of an Ollama-shaped stream recount, import time in separate
// processes, hostile inputs (js-tiktoken in a worker with a hard timeout), event-loop lag during a
// 1M-token async count. Every row checks equal counts before its figures count.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import { Worker } from 'node:worker_threads';
import { closeTokenPool, configureTokenCache, countTokens, countTokensAsync, TOKEN_CACHE_DEFAULTS } from '../../src/accelerators/tokens';
import { RowSkipped } from '../lib/skip';
import { summarize } from '../lib/stats';
import type { CustomResult, CustomRow, RowContext } from '../lib/types';
import { litellmTokens, prose } from './_tokens-lib';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

function mismatch(what: string, a: unknown, b: unknown): Error {
  return new Error(`${what}: baseline ${JSON.stringify(a).slice(0, 80)} != accelerated ${JSON.stringify(b).slice(0, 80)}`);
}

// --- Ollama stream: litellm calls toUsage(prompt, chunk) for each of the 300 chunks -------------------
const streamRow: CustomRow = {
  kind: 'custom',
  id: 'tokens.ollama-stream-recount',
  name: 'Ollama stream usage: toUsage(prompt, chunk) x300, 4k-token prompt (CPU per stream)',
  group: 'tokens',
  baselineName: 'litellm 0.12 toUsage (js-tiktoken recounts the prompt per chunk)',
  acceleratedName: 'patched toUsage (prompt counted once, then memo lookups)',
  async run(ctx: RowContext) {
    const t = litellmTokens();
    configureTokenCache({ maxBytes: TOKEN_CACHE_DEFAULTS.maxBytes });
    const CHUNKS = ctx.quick ? 100 : 300;
    const chunks = prose(CHUNKS * 2, 77).split(' ').slice(0, CHUNKS).map((w) => ' ' + w);
    const stream = (toUsage: (p: string, c: string) => unknown, round: number) => {
      const prompt = prose(4000, 9000 + round); // a new prompt per stream, as a new request would bring
      const out: unknown[] = [];
      const cpu0 = process.cpuUsage();
      for (const c of chunks) out.push(toUsage(prompt, c));
      const cpu = process.cpuUsage(cpu0);
      return { out, cpuMs: (cpu.user + cpu.system) / 1000 };
    };
    const b0 = stream(t.original.toUsage, 0);
    const a0 = stream(t.toUsage, 0);
    if (!isDeepStrictEqual(b0.out, a0.out)) throw mismatch('usage per chunk', b0.out[0], a0.out[0]);
    const base: number[] = [];
    const acc: number[] = [];
    const rounds = ctx.quick ? 1 : 2;
    for (let r = 1; r <= rounds; r++) {
      base.push(stream(t.original.toUsage, r).cpuMs);
      for (let k = 0; k < 3; k++) acc.push(stream(t.toUsage, r * 10 + k).cpuMs);
      ctx.tick();
    }
    return {
      unit: 'ms',
      higherIsBetter: false,
      baseline: summarize(base),
      accelerated: summarize(acc),
      note: `CPU ms (process.cpuUsage) per stream of ${CHUNKS} chunks; equal usage checked on every chunk of one stream`,
    };
  },
};

// --- import time: require('litellm') plain vs with the register hook, separate processes --------------
const importRow: CustomRow = {
  kind: 'custom',
  id: 'tokens.import-time',
  name: "require('litellm') ready, from process start",
  group: 'tokens',
  baselineName: "node -e \"require('litellm')\"",
  acceleratedName: 'node -r fast-litellm/register (dist/cjs/register.js)',
  async run(ctx: RowContext) {
    const register = path.join(ROOT, 'dist/cjs/register.js');
    if (!existsSync(register)) throw new RowSkipped('dist/cjs/register.js missing: run npx tsc -p tsconfig.json first');
    const script = [
      "const l = require('litellm');",
      'const ms = performance.now();',
      "const u = require('litellm/dist/src/utils/toUsage').toUsage('hello world, counted', 'fine');",
      'console.log(JSON.stringify({ ms, keys: Object.keys(l).sort(), u }));',
    ].join('\n');
    const once = async (withHook: boolean) => {
      const args = withHook ? ['-r', register, '-e', script] : ['-e', script];
      const { stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 60_000 });
      return JSON.parse(stdout.trim().split('\n').pop() as string) as { ms: number; keys: string[]; u: unknown };
    };
    const base: number[] = [];
    const acc: number[] = [];
    const n = ctx.quick ? 3 : 6;
    for (let i = 0; i < n; i++) {
      const b = await once(false);
      const a = await once(true);
      if (!isDeepStrictEqual(b.keys, a.keys) || !isDeepStrictEqual(b.u, a.u)) throw mismatch('exports/usage', b, a);
      base.push(b.ms);
      acc.push(a.ms);
      ctx.tick();
    }
    return {
      unit: 'ms',
      higherIsBetter: false,
      baseline: summarize(base),
      accelerated: summarize(acc),
      note: `${n} alternating runs each; ms from process start until require('litellm') returned (includes the hook's own load); same export names and toUsage result checked`,
    };
  },
};

// --- hostile inputs --------------------------------------------------------------------------------
const MB = 1 << 20;
function hostile(kind: string, chars: number): string {
  if (kind === 'letters') return 'a'.repeat(chars);
  if (kind === 'cjk') return '日本語中文字符'.repeat(Math.ceil(chars / 7)).slice(0, chars);
  if (kind === 'emoji') return '😀👍🎉'.repeat(Math.ceil(chars / 6)).slice(0, chars - (chars % 2));
  let s = 7;
  const bytes = Buffer.alloc(Math.ceil((chars * 3) / 4)).map(() => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24);
  return Buffer.from(bytes).toString('base64').slice(0, chars);
}

/** js-tiktoken (litellm's engine) in a worker, killed after timeoutMs. */
function jsTiktokenTimed(text: string, timeoutMs: number): Promise<{ ms: number; count: number } | undefined> {
  const jsTiktoken = require.resolve('js-tiktoken', { paths: [path.dirname(require.resolve('litellm/package.json'))] });
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    const enc = require(workerData.lib).getEncoding('cl100k_base');
    const t = performance.now(); const count = enc.encode(workerData.text).length;
    parentPort.postMessage({ ms: performance.now() - t, count });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { lib: jsTiktoken, text } });
    const timer = setTimeout(() => void w.terminate().then(() => resolve(undefined)), timeoutMs);
    w.once('message', (m) => {
      clearTimeout(timer);
      void w.terminate();
      resolve(m);
    });
    w.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

const hostileRow: CustomRow = {
  kind: 'custom',
  id: 'tokens.hostile',
  name: 'hostile input',
  group: 'tokens',
  baselineName: 'litellm 0.12 countTokens (js-tiktoken), small size, 20 s cap',
  acceleratedName: 'patched countTokens (heap merge for long pieces), same size',
  async run(ctx: RowContext) {
    const t = litellmTokens();
    configureTokenCache({ maxBytes: 0 });
    const results: CustomResult[] = [];
    // js-tiktoken is quadratic in a piece's length: never give it more than these (10k 'a' took 24 s).
    const small: Record<string, number> = { letters: 2000, base64: 256 * 1024, cjk: 2000, emoji: 2000 };
    try {
      for (const kind of ['letters', 'base64', 'cjk', 'emoji']) {
        const text = hostile(kind, small[kind]);
        const b = await jsTiktokenTimed(text, 20_000);
        const acc: number[] = [];
        let count = 0;
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          count = t.countTokens(text);
          acc.push(performance.now() - t0);
        }
        if (b && b.count !== count) throw mismatch(`${kind} count`, b.count, count);
        // 1 MB of UTF-8: CJK is 3 bytes per UTF-16 unit, emoji 4 bytes per surrogate pair.
        const big = hostile(kind, kind === 'cjk' ? Math.floor(MB / 3) : kind === 'emoji' ? MB / 2 : MB);
        const t0 = performance.now();
        countTokens(big);
        const bigMs = performance.now() - t0;
        results.push({
          label: kind,
          unit: 'ms',
          higherIsBetter: false,
          baseline: b ? summarize([b.ms]) : summarize([20_000]),
          accelerated: summarize(acc),
          note: `${small[kind]} chars: js-tiktoken ${b ? b.ms.toFixed(1) + ' ms' : 'killed at 20 s'}; fast-litellm at 1 MB (UTF-8): ${bigMs.toFixed(0)} ms`,
        });
        ctx.tick(kind);
      }
    } finally {
      configureTokenCache({ maxBytes: TOKEN_CACHE_DEFAULTS.maxBytes });
    }
    return results;
  },
};

// --- event-loop lag while a 1M-token text is counted ---------------------------------------------
async function lagWhile(fn: () => unknown): Promise<{ p99: number; max: number; value: unknown }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((r) => setTimeout(r, 5));
  const value = await fn();
  await new Promise((r) => setTimeout(r, 5));
  h.disable();
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6, value };
}

const lagRow: CustomRow = {
  kind: 'custom',
  id: 'tokens.event-loop-lag',
  name: 'event-loop lag p99 while counting a 1M-token text',
  group: 'tokens',
  baselineName: 'litellm 0.12 countTokens (js-tiktoken, inline)',
  acceleratedName: 'countTokensAsync (piscina worker)',
  async run(ctx: RowContext) {
    const t = litellmTokens();
    const tokens = ctx.quick ? 200_000 : 1_000_000;
    const text = prose(tokens, 4242);
    configureTokenCache({ maxBytes: 0 });
    try {
      await countTokensAsync(prose(20_000, 1)); // pool started and warm, as in a running server
      const base = await lagWhile(() => t.original.countTokens(text));
      const inline = await lagWhile(() => countTokens(text));
      const acc: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await lagWhile(() => countTokensAsync(text));
        if (r.value !== base.value) throw mismatch('count', base.value, r.value);
        acc.push(r.p99);
        ctx.tick();
      }
      if (inline.value !== base.value) throw mismatch('count', base.value, inline.value);
      return {
        unit: 'ms',
        higherIsBetter: false,
        baseline: summarize([base.p99]),
        accelerated: summarize(acc),
        peers: { 'patched countTokens inline (sync)': summarize([inline.p99]) },
        note: `${base.value} tokens (${(text.length / MB).toFixed(1)} MB); monitorEventLoopDelay p99 in ms`,
      };
    } finally {
      configureTokenCache({ maxBytes: TOKEN_CACHE_DEFAULTS.maxBytes });
      await closeTokenPool();
    }
  },
};

export function customRows(): CustomRow[] {
  return [streamRow, importRow, hostileRow, lagRow];
}
