// Connection pooling and the streaming fast path, over real loopback HTTP to the mock server (in a
// child process, so the server does not share the measured client's event loop). Baseline: plain
// litellm 0.12 (flags off); shimmed: the same litellm.completion() with connection_pooling and
// streaming on; peer: raw undici.request on a Pool, the transport ceiling. Same run, interleaved.
import diagnostics from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Pool } from 'undici';
import { DispatcherRegistry, createPooledFetch, type FetchLike } from '../../src/accelerators/pool';
import { applyAcceleration, removeAcceleration } from '../../src/index';
import { getPoolStats, isPooledFetch, poolingOn } from '../../src/shims/pooling';
import { startMockChild, type MockHandle } from '../lib/mock';
import type { BenchRow, CustomResult, RowContext, SampleSummary } from '../lib/types';

const require = createRequire(import.meta.url);
const ROOT = path.join(__dirname, '..', '..');
const CONCURRENCY = [1, 8, 32, 128];
const messages = [{ role: 'user', content: 'Tell me about connection pools' }];

// Every client socket the process opens (node-fetch agents and undici alike).
let socketsOpened = 0;
diagnostics.subscribe('net.client.socket', () => { socketsOpened++; });

interface Cell {
  reqs: number;
  secs: number;
  latMs: number[];
  ttfcMs: number[];
  chunks: number;
  cpuUs: number;
  sockets: number;
}

type Call = () => Promise<{ ttfc?: number; chunks?: number; tEnd?: number; t0: number }>;

async function load(call: Call, conc: number, ms: number, s0 = socketsOpened): Promise<Cell> {
  const cell: Cell = { reqs: 0, secs: 0, latMs: [], ttfcMs: [], chunks: 0, cpuUs: 0, sockets: 0 };
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  await Promise.all(Array.from({ length: conc }, async () => {
    while (performance.now() < end) {
      const r = await call();
      const t = performance.now();
      cell.reqs++;
      cell.latMs.push(t - r.t0);
      if (r.ttfc !== undefined) cell.ttfcMs.push(r.ttfc - r.t0);
      cell.chunks += r.chunks ?? 0;
    }
  }));
  cell.secs = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  cell.cpuUs = cpu.user + cpu.system;
  cell.sockets = socketsOpened - s0;
  return cell;
}

function dist(xs: number[], extra?: Record<string, number | string>): SampleSummary {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))] : NaN);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  const mean = r(s.reduce((a, b) => a + b, 0) / (s.length || 1));
  return { median: r(q(0.5)), p99: r(q(0.99)), p25: r(q(0.25)), p75: r(q(0.75)), mean, samples: s.length, extra };
}

/**
 * Client CPU per streamed chunk over the whole cell (the mock server runs in another process, so
 * only the client's work counts): the per-chunk overhead of reading, parsing and usage counting.
 * Wall time between chunks would mostly measure how the server paced and batched its writes.
 */
function cpuPerChunk(c: Cell): SampleSummary {
  const v = Math.round((c.cpuUs / Math.max(1, c.chunks)) * 100) / 100;
  const extra = { chunks: c.chunks, cpu_ms: Math.round(c.cpuUs / 1000) };
  return { median: v, p99: v, mean: v, samples: c.chunks, extra };
}

function rate(c: Cell): SampleSummary {
  const v = Math.round(c.reqs / c.secs);
  const extra = { sockets: c.sockets, p50_ms: dist(c.latMs).median, p99_ms: dist(c.latMs).p99 };
  return { median: v, p99: v, mean: v, samples: c.reqs, extra };
}

function normalize(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, x) => (k === 'id' || k === 'created' ? 0 : x)));
}

async function drain(r: any, t0: number): Promise<{ ttfc?: number; chunks: number; t0: number; out: unknown[] }> {
  let ttfc: number | undefined;
  let chunks = 0;
  const out: unknown[] = [];
  for await (const c of r) {
    if (ttfc === undefined) ttfc = performance.now();
    chunks++;
    out.push(c);
  }
  return { ttfc, chunks, t0, out };
}

interface Setup {
  url: string;
  mock?: MockHandle;
  litellm: any;
  raw: Pool;
}

async function setup(ctx: RowContext): Promise<Setup> {
  let url = ctx.mockUrl;
  let mock: MockHandle | undefined;
  if (url === undefined) {
    mock = await startMockChild(ROOT);
    url = mock.url;
  }
  // Applied with the features on before litellm (and the SDKs under it) load, as the register hook
  // does: the handlers that call the global fetch are compiled with the pooled binding then, and
  // each side below turns the features on or off per call.
  applyAcceleration({ features: { connection_pooling: 'on', streaming: 'on' } });
  const litellm = require('litellm');
  // litellm's OpenAI embedding handler passes no base URL to the SDK, which then reads this.
  process.env.OPENAI_BASE_URL = `${url}/v1`;
  return { url, mock, litellm, raw: new Pool(url, { connections: 128 }) };
}

async function teardown(s: Setup): Promise<void> {
  await s.raw.close();
  await removeAcceleration();
  await s.mock?.close();
}

const flags = (on: boolean) => {
  const v = on ? 'on' : 'off';
  applyAcceleration({ features: { connection_pooling: v, streaming: v } });
};

interface Scenario {
  key: string;
  title: string;
  stream: boolean;
  /** The app calls the openai SDK itself: not through litellm. */
  direct?: boolean;
  lit(s: Setup): Call;
  raw(s: Setup): Call;
  /** One result from each side for the equality check. */
  sample(s: Setup): Promise<unknown>;
}

const openaiParams = (s: Setup, stream: boolean) => ({ model: 'gpt-3.5-turbo', messages, apiKey: 'sk-bench', baseUrl: `${s.url}/v1`, stream });
const ollamaParams = (s: Setup, stream: boolean) => ({ model: 'ollama/llama2', messages, baseUrl: s.url, stream });
const rawJson = (pool: Pool, p: string, body: unknown) =>
  pool.request({ path: p, method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' }, body: JSON.stringify(body) });

async function rawLines(res: any, sse: boolean, t0: number) {
  let ttfc: number | undefined;
  let chunks = 0;
  let carry = '';
  res.body.setEncoding('utf8');
  for await (const part of res.body) {
    if (ttfc === undefined) ttfc = performance.now();
    const lines = (carry + part).split('\n');
    carry = lines.pop()!;
    for (const l of lines) {
      if (sse ? l.startsWith('data: {') : l.length > 0) {
        JSON.parse(sse ? l.slice(6) : l);
        chunks++;
      }
    }
  }
  return { ttfc, chunks, t0 };
}

const embedParams = { model: 'text-embedding-ada-002', input: ['pooled sockets', 'per origin'], apiKey: 'sk-bench' };

/**
 * The openai SDK used directly, as an app calling a LiteLLM proxy does: one client, built once. The
 * pooled transport is chosen when the client is built, so each side builds its own on its first call
 * (base with pooling off, fast with it on).
 */
function sdkCall(s: Setup): () => Promise<unknown> {
  let client: any;
  return () => {
    if (client === undefined) {
      client = new (require('openai'))({ baseURL: `${s.url}/v1`, apiKey: 'sk-bench' });
      if (isPooledFetch(client.fetch) !== poolingOn()) throw new Error('pool.openai-sdk: the client was not built with the transport its side needs');
    }
    return client.chat.completions.create({ model: 'gpt-3.5-turbo', messages });
  };
}

/** A call timed from its start (whole answers: nothing else to report). */
const timed = (fn: () => Promise<unknown>): Call => async () => {
  const t0 = performance.now();
  await fn();
  return { t0 };
};

const SCENARIOS: Scenario[] = [
  {
    key: 'openai', title: 'completion, OpenAI handler', stream: false,
    lit: (s) => timed(() => s.litellm.completion(openaiParams(s, false))),
    raw: (s) => async () => { const t0 = performance.now(); const r = await rawJson(s.raw, '/v1/chat/completions', { model: 'gpt-3.5-turbo', messages }); await r.body.json(); return { t0 }; },
    sample: (s) => s.litellm.completion(openaiParams(s, false)),
  },
  {
    key: 'openai-stream', title: 'streamed completion, OpenAI SSE', stream: true,
    lit: (s) => async () => {
      const t0 = performance.now();
      return drain(await s.litellm.completion(openaiParams(s, true)), t0);
    },
    raw: (s) => async () => { const t0 = performance.now(); return rawLines(await rawJson(s.raw, '/v1/chat/completions', { model: 'gpt-3.5-turbo', messages, stream: true }), true, t0); },
    sample: async (s) => (await drain(await s.litellm.completion(openaiParams(s, true)), 0)).out,
  },
  {
    // litellm reads Ollama's NDJSON stream even for a whole answer (and counts usage per line).
    key: 'ollama', title: 'completion, Ollama handler', stream: false,
    lit: (s) => timed(() => s.litellm.completion(ollamaParams(s, false))),
    raw: (s) => async () => { const t0 = performance.now(); await rawLines(await rawJson(s.raw, '/api/generate', { model: 'llama2', prompt: 'x' }), false, t0); return { t0 }; },
    sample: (s) => s.litellm.completion(ollamaParams(s, false)),
  },
  {
    key: 'ollama-stream', title: 'streamed completion, Ollama NDJSON', stream: true,
    lit: (s) => async () => {
      const t0 = performance.now();
      return drain(await s.litellm.completion(ollamaParams(s, true)), t0);
    },
    raw: (s) => async () => { const t0 = performance.now(); return rawLines(await rawJson(s.raw, '/api/generate', { model: 'llama2', prompt: 'x' }), false, t0); },
    sample: async (s) => (await drain(await s.litellm.completion(ollamaParams(s, true)), 0)).out,
  },
  {
    key: 'embedding', title: 'embedding, OpenAI handler', stream: false,
    lit: (s) => async () => { const t0 = performance.now(); await s.litellm.embedding(embedParams); return { t0 }; },
    raw: (s) => async () => { const t0 = performance.now(); const r = await rawJson(s.raw, '/v1/embeddings', { model: embedParams.model, input: embedParams.input, encoding_format: 'base64' }); await r.body.json(); return { t0 }; },
    sample: (s) => s.litellm.embedding(embedParams),
  },
  {
    key: 'openai-sdk', title: 'openai SDK used directly (proxy client), whole answers', stream: false, direct: true,
    lit: (s) => timed(sdkCall(s)),
    raw: (s) => async () => { const t0 = performance.now(); const r = await rawJson(s.raw, '/v1/chat/completions', { model: 'gpt-3.5-turbo', messages }); await r.body.json(); return { t0 }; },
    sample: (s) => sdkCall(s)(),
  },
];

function row(sc: Scenario): BenchRow {
  return {
    kind: 'custom',
    id: `pool.${sc.key}`,
    name: sc.direct ? sc.title : `litellm ${sc.title}`,
    group: 'pool',
    baselineName: sc.direct ? 'openai 4 SDK, one client (node-fetch, keep-alive agent)' : 'litellm 0.12 (openai v4 + node-fetch / global fetch, client per call)',
    acceleratedName: 'fast-litellm pooled undici transport (+ Ollama stream fast path)',
    async run(ctx) {
      const s = await setup(ctx);
      try {
        flags(false);
        const plain = normalize(await sc.sample(s));
        flags(true);
        const served = () => getPoolStats().find((p) => p.origin === s.url)?.requests ?? 0;
        const before = served();
        const fast = normalize(await sc.sample(s));
        if (!isDeepStrictEqual(plain, fast)) throw new Error(`pool.${sc.key}: shimmed result differs from plain litellm`);
        // A shimmed side that never reached the pooled transport would time the original twice.
        if (served() === before) throw new Error(`pool.${sc.key}: the shimmed call did not go through the pooled transport`);
        // Quick cells of 400 ms let single c=1 cells swing to 0.87x in CI (1.2x-2x otherwise): 800 ms.
        const ms = ctx.quick ? 800 : 1500;
        const out: CustomResult[] = [];
        for (const conc of CONCURRENCY) {
          ctx.tick(`${sc.key} c=${conc}`);
          const contenders: Array<[string, Call]> = [['base', sc.lit(s)], ['fast', sc.lit(s)], ['raw', sc.raw(s)]];
          const cells: Record<string, Cell> = {};
          // Warm-up, then base / fast / raw in turn in the same run. Sockets are counted from the
          // start of the warm-up (idle keep-alive sockets of the previous cell may close meanwhile).
          for (const [name, call] of contenders) {
            flags(name === 'fast');
            const s0 = socketsOpened;
            await load(call, conc, 150);
            cells[name] = await load(call, conc, ms, s0);
          }
          flags(false);
          const { base, fast: acc, raw } = cells;
          const pooled = getPoolStats().find((p) => p.origin === s.url);
          const note = `same mock server (child process); equal results checked; pooled sockets open ${pooled?.open ?? 0}, reuse ${pooled?.reuseRatio.toFixed(3) ?? '-'}`;
          out.push({ label: `c=${conc} throughput`, unit: 'req/s', higherIsBetter: true, baseline: rate(base), accelerated: rate(acc), peers: { 'undici.request ceiling': rate(raw) }, note });
          out.push({ label: `c=${conc} latency`, unit: 'ms', higherIsBetter: false, baseline: dist(base.latMs), accelerated: dist(acc.latMs), peers: { 'undici.request ceiling': dist(raw.latMs) } });
          if (sc.stream) {
            out.push({ label: `c=${conc} time to first chunk`, unit: 'ms', higherIsBetter: false, baseline: dist(base.ttfcMs), accelerated: dist(acc.ttfcMs), peers: { 'undici.request ceiling': dist(raw.ttfcMs) } });
            out.push({ label: `c=${conc} client CPU per chunk`, unit: 'µs/chunk', higherIsBetter: false, baseline: cpuPerChunk(base), accelerated: cpuPerChunk(acc), peers: { 'undici.request ceiling': cpuPerChunk(raw) } });
          }
        }
        return out;
      } finally {
        await teardown(s);
      }
    },
  };
}

/**
 * The transport alone, no SDK above it: Node's global fetch (baseline, what litellm's fetch-based
 * handlers and openai 5-7 use), the pooled fetch returning a FastResponse, the same returning a real
 * WHATWG Response (`response: 'web'`, for SDKs that need one), and the raw undici.request ceiling.
 * Every contender reads the body the same way (json(), or getReader() to the end for SSE).
 */
function transportRow(stream: boolean): BenchRow {
  const key = stream ? 'transport-sse' : 'transport-json';
  return {
    kind: 'custom',
    id: `pool.${key}`,
    name: `fetch transport only, ${stream ? 'SSE stream (16 events)' : 'whole JSON answers'}`,
    group: 'pool',
    baselineName: 'global fetch (Node undici fetch)',
    acceleratedName: "createPooledFetch, response 'fast' (FastResponse)",
    async run(ctx) {
      let mock: MockHandle | undefined;
      let url = ctx.mockUrl;
      if (url === undefined) {
        mock = await startMockChild(ROOT);
        url = mock.url;
      }
      const registry = new DispatcherRegistry({ connections: 128 });
      const raw = new Pool(url, { connections: 128 });
      try {
        const fastFetch = createPooledFetch({ registry, fallback: fetch });
        const webFetch = createPooledFetch({ registry, fallback: fetch, response: 'web' });
        const target = `${url}/v1/chat/completions`;
        const init = { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' }, body: JSON.stringify({ model: 'gpt-3.5-turbo', messages, stream }) };
        const read = async (f: FetchLike): Promise<unknown> => {
          const r = await f(target, init);
          if (!stream) return r.json();
          const reader = r.body.getReader();
          let text = '';
          const dec = new TextDecoder();
          for (let n = await reader.read(); !n.done; n = await reader.read()) {
            text += dec.decode(n.value, { stream: true });
          }
          return text;
        };
        const same = (v: unknown) => normalize(stream ? String(v).replace(/"(id|created)":("[^"]*"|\d+)/g, '') : v);
        const want = same(await read(fetch));
        for (const f of [fastFetch, webFetch]) {
          if (!isDeepStrictEqual(same(await read(f)), want)) throw new Error(`pool.${key}: pooled answer differs from global fetch`);
        }
        const call = (f: FetchLike): Call => timed(() => read(f));
        const rawCall: Call = async () => {
          const t0 = performance.now();
          const r = await raw.request({ path: '/v1/chat/completions', method: 'POST', headers: init.headers, body: init.body });
          if (stream) for await (const _ of r.body);
          else await r.body.json();
          return { t0 };
        };
        const ms = ctx.quick ? 800 : 1500;
        const out: CustomResult[] = [];
        const contenders: Array<[string, Call]> = [['fetch', call(fetch)], ['fast', call(fastFetch)], ['web', call(webFetch)], ['raw', rawCall]];
        // Warm every path once first (JIT, sockets): else the first cell measures fetch's cold start.
        for (const [, c] of contenders) await load(c, 8, 400);
        for (const conc of [8, 32]) {
          ctx.tick(`${key} c=${conc}`);
          const cells: Record<string, Cell> = {};
          for (const [name, c] of contenders) {
            const s0 = socketsOpened;
            await load(c, conc, 150);
            cells[name] = await load(c, conc, ms, s0);
          }
          const cpuPerReq = (c: Cell): SampleSummary => {
            const v = Math.round(c.cpuUs / Math.max(1, c.reqs) * 10) / 10;
            return { median: v, p99: v, mean: v, samples: c.reqs };
          };
          const peers = (f: (c: Cell) => SampleSummary) => ({ "pooled, response 'web' (real Response)": f(cells.web), 'undici.request ceiling': f(cells.raw) });
          const note = 'same mock server (child process); equal answers checked; each contender reads the body the same way';
          out.push({ label: `c=${conc} throughput`, unit: 'req/s', higherIsBetter: true, baseline: rate(cells.fetch), accelerated: rate(cells.fast), peers: peers(rate), note });
          out.push({ label: `c=${conc} client CPU per request`, unit: 'µs/req', higherIsBetter: false, baseline: cpuPerReq(cells.fetch), accelerated: cpuPerReq(cells.fast), peers: peers(cpuPerReq) });
        }
        return out;
      } finally {
        await raw.close();
        await registry.close();
        await mock?.close();
      }
    },
  };
}

export const rows: BenchRow[] = [...SCENARIOS.map(row), transportRow(false), transportRow(true)];
