// `fast-litellm profile latency|throughput|compare`: option parsing, set-up (mock server, shim,
// pre-flight), Ctrl-C, export. The measuring itself lives in commands.ts / compare.ts / runner.ts.
import { writeFileSync } from 'node:fs';
import { helpText, parseArgs, UsageError, type CommandHelp, type OptSpec } from '../args';
import { EXIT, exitCodesText } from '../exit-codes';
import { MOCK_BEHAVIOUR } from '../mock-server';
import { didYouMean } from '../suggest';
import { version } from '../version';
import { makeClient, type ClientConfig, type Via } from './clients';
import { latencyCommand, MOCK_NOTE, throughputCommand, type CommandResult } from './commands';
import { compareCommand } from './compare';
import { GatewayUnreachable, preflight, processIO, type Context, type IO } from './context';

// The mock's options under --mock-<name>, worded as `mock-server` words them.
const MOCK_OPTS = ['latency-ms', 'ttft-ms', 'tokens-per-sec', 'reply-tokens', 'fail-rate', 'fail-status', 'drop-rate'];

const COMMON: Record<string, OptSpec> = {
  url: { kind: 'string', arg: 'url', help: 'gateway base URL (OpenAI-compatible; /v1 is added when missing)', default: 'http://localhost:4000' },
  model: { kind: 'string', arg: 'name', help: 'model name sent to the gateway', default: 'gpt-3.5-turbo' },
  prompt: { kind: 'string', help: 'user message (never printed or exported)', default: 'Count from 1 to 10.' },
  'max-tokens': { kind: 'int', help: 'max_tokens of each request', default: 100 },
  via: { kind: 'string', arg: 'http|openai|litellm', help: 'client: undici, the openai SDK, or litellm.completion', default: 'http' },
  accelerated: { kind: 'boolean', help: 'apply the fast-litellm shim (applyAcceleration) for the run' },
  'no-stream': { kind: 'boolean', help: 'non-streamed requests (then no TTFT)' },
  'api-key': { kind: 'string', arg: 'key', help: 'bearer key; never printed', shownDefault: '$LITELLM_API_KEY or $OPENAI_API_KEY' },
  'timeout-ms': { kind: 'int', help: 'per-request timeout, ms (a timeout counts as a failure)', default: 60_000 },
  export: { kind: 'string', arg: 'file', help: 'also write the JSON document (config, measurements, summary) to this file' },
  json: { kind: 'boolean', help: 'print only the JSON document on stdout' },
  mock: { kind: 'boolean', help: 'start the embedded mock server and profile it (offline); --url is ignored' },
  ...Object.fromEntries(MOCK_OPTS.map((k) => [`mock-${k}`, { ...MOCK_BEHAVIOUR[k], help: `with --mock: ${MOCK_BEHAVIOUR[k].help}` }])),
  help: { kind: 'boolean', help: 'show this help' },
};

const MEASURED =
  'Per request: latency (until the last byte), TTFB (response headers), TTFT (first content token, streams),\n' +
  'tokens (the usage the server reports, else counted with cl100k_base) and tokens/s = tokens / latency.\n' +
  'Times print in the unit that fits (µs, ms, s), every figure to 3 significant digits; --json keeps raw numbers.';

interface Sub {
  spec: Record<string, OptSpec>;
  run: (ctx: Context) => Promise<CommandResult>;
  help: CommandHelp;
}

const SUBS: Record<string, Sub> = {
  latency: {
    spec: {
      iterations: { kind: 'int', help: 'measured requests', default: 10 },
      warmup: { kind: 'int', help: 'unmeasured requests first', default: 2 },
    },
    run: latencyCommand,
    help: {
      usage: 'fast-litellm profile latency [options]',
      summary: 'Sends requests one at a time and reports each one, then median, p95, p99 and spread of every measure.',
      examples: [
        'npx fast-litellm profile latency --model gpt-4o-mini --iterations 20',
        'npx fast-litellm profile latency --mock --mock-ttft-ms 200 --mock-tokens-per-sec 50  # offline',
        'npx fast-litellm profile latency --via litellm --accelerated --export latency.json',
      ],
      notes: [MEASURED],
    },
  },
  throughput: {
    spec: {
      requests: { kind: 'int', help: 'requests (per level when sweeping)', default: 100 },
      concurrency: { kind: 'int', help: 'requests in flight', default: 10 },
      sweep: { kind: 'list', arg: 'levels', help: 'concurrency levels to run in turn (bare --sweep: 1,2,5,10,20,50)' },
    },
    run: throughputCommand,
    help: {
      usage: 'fast-litellm profile throughput [--requests N] [--concurrency C | --sweep 1,2,5] [options]',
      summary:
        'Keeps C requests in flight and reports successful requests per second and latency percentiles; --sweep runs\n' +
        'each level in turn, then names the highest and where adding concurrency stops paying (< 10% more req/s).',
      examples: [
        'npx fast-litellm profile throughput --requests 200 --concurrency 20',
        'npx fast-litellm profile throughput --requests 50 --sweep  # 1,2,5,10,20,50',
        'npx fast-litellm profile throughput --mock --via litellm --accelerated --no-stream',
      ],
      notes: [MEASURED],
    },
  },
  compare: {
    spec: {
      models: { kind: 'list', arg: 'a b c', help: 'models to compare (space or comma separated)' },
      iterations: { kind: 'int', help: 'measured requests per model', default: 5 },
      warmup: { kind: 'int', help: 'unmeasured requests per model', default: 1 },
    },
    run: compareCommand,
    help: {
      usage: 'fast-litellm profile compare --models a b c [options]',
      summary:
        'Sends the same prompt to each model and ranks them by median latency. A fastest is named only when it is\n' +
        'clearly apart from the next (inter-quartile ranges apart and >= 10% between medians), else "no clear difference".',
      examples: [
        'npx fast-litellm profile compare --models gpt-4o-mini ollama/llama3 claude-3-haiku --iterations 10',
        'npx fast-litellm profile compare --models a,b --mock --mock-latency-ms 20',
      ],
      notes: [MEASURED],
    },
  },
};

const USAGE = [
  'Usage: fast-litellm profile <latency|throughput|compare> [options]',
  '',
  '  latency      per-request latency, TTFB, TTFT and tokens/s of a gateway',
  '  throughput   requests/s at one concurrency, or a --sweep of concurrencies',
  '  compare      the same prompt against several --models',
  '',
  'Each takes --help: `fast-litellm help profile latency`.',
].join('\n');
const DEFAULT_SWEEP = ['1', '2', '5', '10', '20', '50'];

export async function profileCommand(argv: string[], io: IO = processIO()): Promise<number> {
  const [sub, ...rest] = argv;
  const command = sub ? SUBS[sub] : undefined;
  if (!command) {
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      io.out(USAGE + '\n');
      return sub === undefined ? EXIT.failure : EXIT.ok;
    }
    throw new UsageError(`unknown profile command ${sub}; expected latency, throughput or compare${didYouMean(sub, Object.keys(SUBS))}`, 'profile');
  }
  const name = `profile ${sub}`;
  const spec = { ...command.spec, ...COMMON };
  // A bare --sweep means the default levels.
  const args = rest.flatMap((a, i) => (a === '--sweep' && (i + 1 >= rest.length || rest[i + 1].startsWith('--')) ? [`--sweep=${DEFAULT_SWEEP.join(',')}`] : [a]));
  const { opts, positionals } = parseArgs(args, spec, name);
  if (opts.help) {
    io.out(helpText(command.help, spec, exitCodesText()) + '\n');
    return EXIT.ok;
  }
  const usage = (m: string) => new UsageError(m, name);
  if (positionals.length) throw usage(`unexpected argument ${positionals[0]}`);
  if (!['http', 'openai', 'litellm'].includes(opts.via)) throw usage(`--via must be http, openai or litellm, got ${opts.via}${didYouMean(opts.via, ['http', 'openai', 'litellm'])}`);
  if (sub === 'compare' && !opts.models) throw usage('compare needs --models a b c');
  if (opts.sweep?.some((n: string) => !/^[1-9]\d*$/.test(n))) throw usage(`--sweep takes positive integers, got ${opts.sweep.join(',')}`);
  for (const k of ['iterations', 'requests', 'concurrency'] as const) {
    if (opts[k] !== undefined && opts[k] < 1) throw usage(`--${k} must be at least 1, got ${opts[k]}`);
  }

  const json = Boolean(opts.json);
  let mock: { url: string; close(): Promise<void> } | undefined;
  let url: string = opts.url;
  let removeShim: (() => Promise<void>) | undefined;
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
    const zeroLatencyMock = Boolean(opts.mock) && !opts.mockLatencyMs && !opts.mockTtftMs && !opts.mockTokensPerSec;
    const client = makeClient(cfg);
    const ctx: Context = {
      opts, url, cfg, json, io, accelerated: Boolean(opts.accelerated), zeroLatencyMock,
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
      tool: `fast-litellm ${name}`,
      version: version(),
      created_at: new Date().toISOString(),
      config: {
        url: mock ? 'mock' : url, model: opts.model, models: opts.models, via: opts.via, accelerated: Boolean(opts.accelerated),
        stream: cfg.stream, max_tokens: opts.maxTokens, prompt_chars: opts.prompt.length, timeout_ms: opts.timeoutMs,
        iterations: opts.iterations, warmup: opts.warmup, requests: opts.requests, concurrency: opts.concurrency,
        sweep: opts.sweep?.map(Number), patches,
      },
      notes: zeroLatencyMock ? [MOCK_NOTE] : [],
      measurements: result.measurements,
      summary: result.summary,
    };
    if (opts.export) {
      writeFileSync(opts.export, JSON.stringify(doc, null, 2) + '\n');
      if (!json) io.out(`\nExported to ${opts.export}\n`);
    }
    if (json) io.out(JSON.stringify(doc, null, 2) + '\n');
    return interrupted ? EXIT.interrupted : EXIT.ok;
  } catch (err) {
    if (err instanceof GatewayUnreachable) {
      io.err(`fast-litellm: ${err.message}\n`);
      return EXIT.unreachable;
    }
    throw err;
  } finally {
    offInterrupt();
    await removeShim?.();
    await mock?.close();
  }
}
