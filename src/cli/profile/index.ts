// `fast-litellm profile latency|throughput|compare`: option parsing, set-up (mock server, shim,
// pre-flight), Ctrl-C, export. The measuring itself lives in commands.ts / runner.ts.
import { writeFileSync } from 'node:fs';
import { helpText, parseArgs, UsageError, type OptSpec } from '../args';
import { makeClient, type ClientConfig, type Via } from './clients';
import { compareCommand, latencyCommand, throughputCommand, type CommandResult } from './commands';
import { GatewayUnreachable, preflight, processIO, type Context, type IO } from './context';

const COMMON: Record<string, OptSpec> = {
  url: { kind: 'string', arg: 'url', help: 'gateway base URL (OpenAI-compatible; /v1 is added when missing)', default: 'http://localhost:4000' },
  model: { kind: 'string', arg: 'name', help: 'model name sent to the gateway', default: 'gpt-3.5-turbo' },
  prompt: { kind: 'string', help: 'user message', default: 'Count from 1 to 10.' },
  'max-tokens': { kind: 'int', help: 'max_tokens of each request', default: 100 },
  via: { kind: 'string', arg: 'http|openai|litellm', help: 'client path: undici | the openai SDK | litellm.completion', default: 'http' },
  accelerated: { kind: 'boolean', help: 'apply the fast-litellm shim (applyAcceleration) before running' },
  'no-stream': { kind: 'boolean', help: 'non-streamed requests (no TTFT)' },
  'api-key': { kind: 'string', arg: 'key', help: 'bearer key (default $LITELLM_API_KEY or $OPENAI_API_KEY); never printed' },
  'timeout-ms': { kind: 'int', help: 'per-request timeout, counted as a failure', default: 60_000 },
  export: { kind: 'string', arg: 'file', help: 'write { config, measurements, summary } as JSON to this file' },
  json: { kind: 'boolean', help: 'print only the JSON document on stdout' },
  mock: { kind: 'boolean', help: 'start the embedded mock server and profile it (offline)' },
  'mock-latency-ms': { kind: 'number', help: 'mock: delay of non-streamed replies' },
  'mock-ttft-ms': { kind: 'number', help: 'mock: time to first token of streams' },
  'mock-tokens-per-sec': { kind: 'number', help: 'mock: streaming token rate' },
  'mock-reply-tokens': { kind: 'int', help: 'mock: tokens per reply' },
  'mock-fail-rate': { kind: 'number', help: 'mock: share of requests failed' },
  'mock-fail-status': { kind: 'int', help: 'mock: status of failures (429, 500...)' },
  'mock-drop-rate': { kind: 'number', help: 'mock: share of responses cut mid-body' },
  help: { kind: 'boolean', help: 'show this help' },
};

const COMMANDS: Record<string, { spec: Record<string, OptSpec>; run: (ctx: Context) => Promise<CommandResult>; usage: string }> = {
  latency: {
    usage: 'Usage: fast-litellm profile latency [options]',
    spec: {
      iterations: { kind: 'int', help: 'measured requests', default: 10 },
      warmup: { kind: 'int', help: 'unmeasured requests first', default: 2 },
    },
    run: latencyCommand,
  },
  throughput: {
    usage: 'Usage: fast-litellm profile throughput [--requests N] [--concurrency C | --sweep 1,2,5,10,20,50] [options]',
    spec: {
      requests: { kind: 'int', help: 'requests (per level when sweeping)', default: 100 },
      concurrency: { kind: 'int', help: 'requests in flight', default: 10 },
      sweep: { kind: 'list', help: 'concurrency levels to sweep (bare --sweep: 1,2,5,10,20,50)' },
    },
    run: throughputCommand,
  },
  compare: {
    usage: 'Usage: fast-litellm profile compare --models a b c [options]',
    spec: {
      models: { kind: 'list', arg: 'a b c', help: 'models to compare (space or comma separated)' },
      iterations: { kind: 'int', help: 'measured requests per model', default: 5 },
      warmup: { kind: 'int', help: 'unmeasured requests per model', default: 1 },
    },
    run: compareCommand,
  },
};

const USAGE = 'Usage: fast-litellm profile <latency|throughput|compare> [options]  (--help on each)';
const DEFAULT_SWEEP = ['1', '2', '5', '10', '20', '50'];

function version(): string {
  for (const p of ['../../../package.json', '../../../../package.json']) {
    try {
      const pkg = require(p);
      if (pkg.name === 'fast-litellm') return pkg.version;
    } catch {
      /* next */
    }
  }
  return 'unknown';
}

export async function profileCommand(argv: string[], io: IO = processIO()): Promise<number> {
  const [sub, ...rest] = argv;
  const command = sub ? COMMANDS[sub] : undefined;
  if (!command) {
    if (sub === undefined || sub === '--help' || sub === 'help') {
      io.out(USAGE + '\n');
      return sub === undefined ? 1 : 0;
    }
    throw new UsageError(`unknown profile command ${sub}; expected latency, throughput or compare`);
  }
  const spec = { ...command.spec, ...COMMON };
  // A bare --sweep means the default levels.
  const args = rest.flatMap((a, i) => (a === '--sweep' && (i + 1 >= rest.length || rest[i + 1].startsWith('--')) ? [`--sweep=${DEFAULT_SWEEP.join(',')}`] : [a]));
  const { opts, positionals } = parseArgs(args, spec);
  if (opts.help) {
    io.out(helpText(command.usage, spec) + '\n');
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (!['http', 'openai', 'litellm'].includes(opts.via)) throw new UsageError(`--via must be http, openai or litellm, got ${opts.via}`);
  if (sub === 'compare' && !opts.models) throw new UsageError('compare needs --models a b c');
  if (opts.sweep?.some((n: string) => !/^[1-9]\d*$/.test(n))) throw new UsageError(`--sweep takes positive integers, got ${opts.sweep.join(',')}`);
  for (const k of ['iterations', 'requests', 'concurrency'] as const) {
    if (opts[k] !== undefined && opts[k] < 1) throw new UsageError(`--${k} must be at least 1, got ${opts[k]}`);
  }

  const json = Boolean(opts.json);
  let mock: { url: string; close(): Promise<void> } | undefined;
  let url: string = opts.url;
  let removeShim: (() => void) | undefined;
  let shimStatus: (() => Array<{ id: string; state: string }>) | undefined;
  const stop = new AbortController();
  const offInterrupt = io.onInterrupt(() => stop.abort());
  try {
    if (opts.mock) {
      const { startMockServer } = await import('../../mock');
      mock = await startMockServer({
        latencyMs: opts.mockLatencyMs, ttftMs: opts.mockTtftMs, tokensPerSec: opts.mockTokensPerSec,
        replyTokens: opts.mockReplyTokens, failRate: opts.mockFailRate, failStatus: opts.mockFailStatus, dropRate: opts.mockDropRate,
      });
      url = mock.url;
    } else {
      await preflight(url);
    }
    if (opts.accelerated) {
      const api = await import('../../index');
      api.applyAcceleration();
      removeShim = () => api.removeAcceleration();
      shimStatus = () => api.getPatchStatus().rows.map((r) => ({ id: r.id, state: r.state }));
    }
    const cfg: ClientConfig = {
      url, via: opts.via as Via, apiKey: opts.apiKey ?? process.env.LITELLM_API_KEY ?? process.env.OPENAI_API_KEY,
      prompt: opts.prompt, maxTokens: opts.maxTokens, stream: !opts.noStream, timeoutMs: opts.timeoutMs,
      maxConnections: sub === 'throughput' ? Math.max(opts.concurrency, ...(opts.sweep ?? []).map(Number)) : 1,
    };
    const client = makeClient(cfg);
    const ctx: Context = {
      opts, url, cfg, json, io, accelerated: Boolean(opts.accelerated),
      run: { client, cfg, stop: stop.signal, runStart: performance.now(), models: [opts.model], count: 0, concurrency: 1 },
    };
    let result: CommandResult;
    try {
      result = await command.run(ctx);
    } finally {
      await client.close().catch(() => undefined);
    }
    const patches = shimStatus?.();
    if (patches && !json) {
      const applied = patches.filter((p) => p.state === 'applied');
      io.out(`\nShim: ${applied.length} of ${patches.length} patch rows applied${applied.length ? ` (${applied.map((p) => p.id).join(', ')})` : ''}\n`);
    }
    const interrupted = stop.signal.aborted;
    if (interrupted) {
      result.summary.interrupted = true;
      if (!json) io.out(`\nInterrupted (Ctrl-C): the summary above covers the ${result.measurements.length} requests that finished.\n`);
    }
    const doc = {
      tool: `fast-litellm profile ${sub}`,
      version: version(),
      created_at: new Date().toISOString(),
      config: {
        url: mock ? 'mock' : url, model: opts.model, models: opts.models, via: opts.via, accelerated: Boolean(opts.accelerated),
        stream: cfg.stream, max_tokens: opts.maxTokens, prompt_chars: opts.prompt.length, timeout_ms: opts.timeoutMs,
        iterations: opts.iterations, warmup: opts.warmup, requests: opts.requests, concurrency: opts.concurrency,
        sweep: opts.sweep?.map(Number), patches,
      },
      measurements: result.measurements,
      summary: result.summary,
    };
    if (opts.export) {
      writeFileSync(opts.export, JSON.stringify(doc, null, 2) + '\n');
      if (!json) io.out(`\nExported to ${opts.export}\n`);
    }
    if (json) io.out(JSON.stringify(doc, null, 2) + '\n');
    return interrupted ? 130 : 0;
  } catch (err) {
    if (err instanceof GatewayUnreachable) {
      io.err(`fast-litellm: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    offInterrupt();
    removeShim?.();
    await mock?.close();
  }
}
