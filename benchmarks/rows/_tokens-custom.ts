// Token rows that measure themselves: CPU of an Ollama-shaped stream recount, import time in separate
// processes, event-loop lag during a 1M-token async count (hostile inputs: _tokens-libs.ts). Every row
// checks equal counts before its figures count.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import { closeTokenPool, configureTokenCache, countTokens, countTokensAsync, TOKEN_CACHE_DEFAULTS } from '../../src/accelerators/tokens';
import { RowSkipped } from '../lib/skip';
import { summarize } from '../lib/stats';
import type { CustomRow, RowContext } from '../lib/types';
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
    const v0 = stream(t.viaEncoder.toUsage, 0);
    if (!isDeepStrictEqual(b0.out, v0.out)) throw mismatch('usage per chunk (via the encoder)', b0.out[0], v0.out[0]);
    const base: number[] = [];
    const acc: number[] = [];
    const via: number[] = [];
    const rounds = ctx.quick ? 1 : 2;
    for (let r = 1; r <= rounds; r++) {
      base.push(stream(t.original.toUsage, r).cpuMs);
      for (let k = 0; k < 3; k++) acc.push(stream(t.toUsage, r * 10 + k).cpuMs);
      via.push(stream(t.viaEncoder.toUsage, r * 100).cpuMs);
      ctx.tick();
    }
    return {
      unit: 'ms',
      higherIsBetter: false,
      baseline: summarize(base),
      accelerated: summarize(acc),
      peers: { "litellm's own toUsage over the js-tiktoken row's encoder (no litellm rows)": summarize(via) },
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

const MB = 1 << 20;

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
  return [streamRow, importRow, lagRow];
}
