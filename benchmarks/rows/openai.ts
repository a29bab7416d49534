// Proxy clients: the openai SDK 5, 6 and 7 (each from its own fixture folder, under its real name) and
// LangChain's ChatOpenAI, calling the mock server (a child process) as apps call a LiteLLM proxy.
// Baseline: the same SDK plain (rows off: its own global fetch and SSE reader); shimmed: rows on
// (pooled transport returning a real Response, fast SSE reader). Peer: raw undici.request on a Pool,
// the transport ceiling (no SDK work at all). Same run, interleaved, equal results checked first.
// Also: process start-up with the register hook, on each cached Node version.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Pool } from 'undici';
import { applyAcceleration, removeAcceleration } from '../../src/index';
import { getPoolStats } from '../../src/shims/pooling';
import { startMockChild, type MockHandle } from '../lib/mock';
import { RowSkipped } from '../lib/skip';
import type { BenchRow, CustomResult, RowContext, SampleSummary } from '../lib/types';

const ROOT = path.join(__dirname, '..', '..');
const messages = [{ role: 'user' as const, content: 'Tell me about proxy clients' }];

interface Cell { reqs: number; secs: number; latMs: number[]; chunks: number; cpuUs: number }
type Call = () => Promise<number>;

/** `conc` loops calling `call` for `ms`; a call resolves to its chunk count (0 for whole answers). */
async function load(call: Call, conc: number, ms: number): Promise<Cell> {
  const cell: Cell = { reqs: 0, secs: 0, latMs: [], chunks: 0, cpuUs: 0 };
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  await Promise.all(Array.from({ length: conc }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      // Not `cell.chunks += await call()`: that reads cell.chunks before the await and loses the other loops' counts.
      const n = await call();
      cell.chunks += n;
      cell.latMs.push(performance.now() - t0);
      cell.reqs++;
    }
  }));
  cell.secs = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  cell.cpuUs = cpu.user + cpu.system;
  return cell;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
function dist(xs: number[]): SampleSummary {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))] : NaN);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    median: r3(q(0.5)), p99: r3(q(0.99)), p25: r3(q(0.25)), p75: r3(q(0.75)), mean: r3(mean), samples: s.length,
  };
}
const one = (v: number, samples: number, extra?: Record<string, number | string>): SampleSummary =>
  ({ median: v, p99: v, mean: v, samples, extra });
const rate = (c: Cell) =>
  one(Math.round(c.reqs / c.secs), c.reqs, { p50_ms: dist(c.latMs).median, p99_ms: dist(c.latMs).p99 });
const cpuPerReq = (c: Cell) => one(Math.round((c.cpuUs / Math.max(1, c.reqs)) * 10) / 10, c.reqs);
const cpuPerChunk = (c: Cell) =>
  one(Math.round((c.cpuUs / Math.max(1, c.chunks)) * 100) / 100, c.chunks, { chunks: c.chunks });

function flags(on: boolean): void {
  const v = on ? 'on' : 'off';
  applyAcceleration({ features: { connection_pooling: v, streaming: v } });
}

const normalize = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'id' || k === 'created' ? 0 : x)));
const served = (url: string) => getPoolStats().find((p) => p.origin === url)?.requests ?? 0;

function fixture(name: string): NodeJS.Require {
  execFileSync('bash', [path.join(ROOT, 'scripts', 'fixtures.sh'), name], { stdio: ['ignore', 'ignore', 'inherit'] });
  return createRequire(path.join(ROOT, 'test', 'fixtures', name, 'package.json'));
}

async function mockUrl(ctx: RowContext): Promise<{ url: string; mock?: MockHandle }> {
  if (ctx.mockUrl !== undefined) return { url: ctx.mockUrl };
  const mock = await startMockChild(ROOT);
  return { url: mock.url, mock };
}

interface Contender { name: string; on: boolean; call: Call }

/** base / fast / raw cells per concurrency, each after a short warm-up, features set per side. */
async function sweep(
  ctx: RowContext,
  key: string,
  contenders: Contender[],
  concs: number[],
  stream: boolean,
  note: string,
) {
  const ms = ctx.quick ? 600 : 1500;
  const out: CustomResult[] = [];
  for (const conc of concs) {
    ctx.tick(`${key} c=${conc}`);
    const cells: Record<string, Cell> = {};
    for (const c of contenders) {
      flags(c.on);
      await load(c.call, conc, 150);
      cells[c.name] = await load(c.call, conc, ms);
    }
    flags(false);
    const { base, fast, raw } = cells;
    const peers = (f: (c: Cell) => SampleSummary) => (raw ? { 'undici.request ceiling': f(raw) } : undefined);
    const share = raw ? `; shimmed reaches ${Math.round((fast.reqs / fast.secs) / (raw.reqs / raw.secs) * 100)}% of the raw ceiling` : '';
    out.push({ label: `c=${conc} throughput`, unit: 'req/s', higherIsBetter: true, baseline: rate(base), accelerated: rate(fast), peers: peers(rate), note: note + share });
    out.push({ label: `c=${conc} latency`, unit: 'ms', higherIsBetter: false, baseline: dist(base.latMs), accelerated: dist(fast.latMs), peers: peers((c) => dist(c.latMs)) });
    out.push({ label: `c=${conc} client CPU per request`, unit: 'µs/req', higherIsBetter: false, baseline: cpuPerReq(base), accelerated: cpuPerReq(fast), peers: peers(cpuPerReq) });
    if (stream) out.push({ label: `c=${conc} client CPU per chunk`, unit: 'µs/chunk', higherIsBetter: false, baseline: cpuPerChunk(base), accelerated: cpuPerChunk(fast), peers: peers(cpuPerChunk) });
  }
  return out;
}

async function rawCall(pool: Pool, stream: boolean): Promise<number> {
  const r = await pool.request({
    path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages, stream }),
  });
  if (!stream) {
    await r.body.json();
    return 0;
  }
  let n = 0;
  let carry = '';
  r.body.setEncoding('utf8');
  for await (const part of r.body) {
    const lines = (carry + part).split('\n');
    carry = lines.pop()!;
    for (const l of lines) if (l.startsWith('data: {')) { JSON.parse(l.slice(6)); n++; }
  }
  return n;
}

function sdkRow(major: 5 | 6 | 7, stream: boolean): BenchRow {
  const key = `openai.v${major}.${stream ? 'sse' : 'json'}`;
  return {
    kind: 'custom',
    id: key,
    name: `openai ${major} SDK (proxy client), ${stream ? 'SSE streams' : 'whole answers'}`,
    group: 'openai',
    baselineName: `openai ${major}, one client, plain (global fetch, the SDK's SSE reader)`,
    acceleratedName: 'the same client class with the rows on (pooled transport, fast SSE reader)',
    async run(ctx) {
      const { url, mock } = await mockUrl(ctx);
      const pool = new Pool(url, { connections: 128 });
      applyAcceleration({ features: { connection_pooling: 'on', streaming: 'on' } });
      try {
        const OpenAI = fixture(`openai-${major}`)('openai');
        const make = (on: boolean) => {
          flags(on);
          return new OpenAI({ apiKey: 'sk-bench', baseURL: `${url}/v1`, maxRetries: 0 });
        };
        const plainClient = make(false);
        const fastClient = make(true);
        const params = { model: 'gpt-4o-mini', messages };
        const call = (c: any): Call => async () => {
          if (!stream) {
            await c.chat.completions.create(params);
            return 0;
          }
          let n = 0;
          for await (const _ of await c.chat.completions.create({ ...params, stream: true })) n++;
          return n;
        };
        const sample = async (c: any) => {
          if (!stream) return normalize(await c.chat.completions.create(params));
          const out: unknown[] = [];
          for await (const ch of await c.chat.completions.create({ ...params, stream: true })) out.push(ch);
          return normalize(out);
        };
        flags(false);
        const plain = await sample(plainClient);
        flags(true);
        const before = served(url);
        const fast = await sample(fastClient);
        if (!isDeepStrictEqual(plain, fast)) throw new Error(`${key}: shimmed result differs from plain`);
        if (served(url) === before) throw new Error(`${key}: the shimmed client did not go through the pooled transport`);
        const concs = ctx.quick ? [8, 32] : [1, 8, 32, 128];
        return await sweep(ctx, key, [
          { name: 'base', on: false, call: call(plainClient) },
          { name: 'fast', on: true, call: call(fastClient) },
          { name: 'raw', on: false, call: () => rawCall(pool, stream) },
        ], concs, stream, `openai ${major}.x fixture; mock server in a child process; equal results checked`);
      } finally {
        await pool.close();
        await removeAcceleration();
        await mock?.close();
      }
    },
  };
}

const langchainRow: BenchRow = {
  kind: 'custom',
  id: 'openai.langchain',
  name: 'LangChain ChatOpenAI invoke (on openai 7)',
  group: 'openai',
  baselineName: '@langchain/openai ChatOpenAI, plain',
  acceleratedName: 'the same with the rows on',
  async run(ctx) {
    const { url, mock } = await mockUrl(ctx);
    applyAcceleration({ features: { connection_pooling: 'on', streaming: 'on' } });
    try {
      const { ChatOpenAI } = fixture('langchain')('@langchain/openai');
      const make = (on: boolean) => {
        flags(on);
        return new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-bench', configuration: { baseURL: `${url}/v1` }, maxRetries: 0 });
      };
      const plainLlm = make(false);
      const fastLlm = make(true);
      const sample = async (llm: any) => normalize({ c: (await llm.invoke('hello')).content });
      flags(false);
      const plain = await sample(plainLlm);
      flags(true);
      if (!isDeepStrictEqual(plain, await sample(fastLlm))) throw new Error('openai.langchain: shimmed result differs from plain');
      const call = (llm: any): Call => async () => { await llm.invoke('hello'); return 0; };
      return await sweep(ctx, 'openai.langchain', [
        { name: 'base', on: false, call: call(plainLlm) },
        { name: 'fast', on: true, call: call(fastLlm) },
      ], ctx.quick ? [8] : [8, 32], false, '@langchain/openai 1.6 fixture; equal results checked');
    } finally {
      await removeAcceleration();
      await mock?.close();
    }
  },
};

/** Median wall time of `n` runs of `node args` (ms). */
function startMs(node: string, args: string[], n: number): SampleSummary {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = spawnSync(node, args, { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
    xs.push(performance.now() - t0);
  }
  return dist(xs);
}

const startupRow: BenchRow = {
  kind: 'custom',
  id: 'openai.startup',
  name: 'process start-up, ESM app importing openai 7, with the register hook',
  group: 'openai',
  baselineName: 'node app.mjs (no hook)',
  acceleratedName: 'node --import fast-litellm/register app.mjs (module.registerHooks where Node has it)',
  // A cost, not a speed-up: the hook loads fast-litellm and its config before the app.
  minSpeedup: 0.3,
  async run(ctx) {
    fixture('openai-7');
    let listed: string;
    try {
      const script = path.join(ROOT, 'scripts', 'node-versions.sh');
      listed = execFileSync('bash', [script, '22', '24'], { env: { ...process.env, NODE_VERSIONS_OFFLINE: '1' } }).toString();
    } catch {
      listed = '';
    }
    const nodes: [string, string][] = [[process.versions.node.split('.')[0], process.execPath]];
    for (const l of listed.trim().split('\n')) if (l.includes(' ')) nodes.push(l.split(' ') as [string, string]);
    const app = path.join(ROOT, 'test', 'openai', 'fixtures', 'import-openai7.mjs');
    const reg = path.join(ROOT, 'dist', 'esm', 'register.mjs');
    const force = path.join(ROOT, 'test', 'openai', 'fixtures', 'force-register.mjs');
    if (!existsSync(reg)) throw new RowSkipped('dist/ not built (make build)');
    const n = ctx.quick ? 5 : 11;
    const out: CustomResult[] = [];
    for (const [major, node] of nodes) {
      ctx.tick(`startup node ${major}`);
      startMs(node, [app], 2);
      const base = startMs(node, [app], n);
      const hooked = startMs(node, ['--import', reg, app], n);
      const viaRegister = startMs(node, ['--import', force, '--import', reg, app], n);
      out.push({
        label: `Node ${major}`, unit: 'ms', higherIsBetter: false, baseline: base, accelerated: hooked,
        peers: { 'with the module.register loader (a loaders thread)': viaRegister }, minSpeedup: 0.3,
        note: `median of ${n} runs; the app imports openai 7's ESM build and exits`,
      });
    }
    return out;
  },
};

export const rows: BenchRow[] = [
  ...([5, 6, 7] as const).flatMap((m) => [sdkRow(m, false), sdkRow(m, true)]),
  langchainRow,
  startupRow,
];
