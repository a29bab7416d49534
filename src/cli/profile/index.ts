// `fast-litellm profile latency|throughput|compare`: option parsing, set-up (mock server, shim,
// pre-flight), Ctrl-C, export. The measuring itself lives in commands.ts / compare.ts / runner.ts.
import { writeFileSync } from 'node:fs';
import { helpText, parseArgs, UsageError, type CommandHelp } from '../args';
import { EXIT, exitCodesText } from '../exit-codes';
import { didYouMean } from '../suggest';
import { version } from '../version';
import { makeClient, type ClientConfig, type Via } from './clients';
import { latencyCommand, MOCK_NOTE, throughputCommand, type CommandResult } from './commands';
import { compareCommand } from './compare';
import { GatewayUnreachable, preflight, processIO, type Context, type IO, type RunPlan } from './context';
import { COMMON, COMPARE, LATENCY, THROUGHPUT, type CommandSpec } from './options';

const MEASURED =
  'Per request: latency (until the last byte), TTFB (response headers), TTFT (first content token, streams),\n' +
  'tokens (the usage the server reports, else counted with cl100k_base) and tokens/s = tokens / latency.\n' +
  'Times print in the unit that fits (µs, ms, s), every figure to 3 significant digits; --json keeps raw numbers.';

interface Sub {
  spec: CommandSpec;
  /**
   * Takes the Context of the command's own options (LatencyOpts, ...): parseArgs ran its spec, so
   * they are set. A method, so that each command's narrower Context fits this signature.
   */
  run(ctx: Context): Promise<CommandResult>;
  help: CommandHelp;
}

const SUBS: Record<string, Sub> = {
  latency: {
    spec: LATENCY,
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
    spec: THROUGHPUT,
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
    spec: COMPARE,
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
        replyTokens: opts.mockReplyTokens, failRate: opts.mockFailRate, failStatus: opts.mockFailStatus,
        dropRate: opts.mockDropRate,
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
      // Only throughput has a concurrency (always set there: it has a default).
      maxConnections: opts.concurrency === undefined
        ? 1
        : Math.max(opts.concurrency, ...(opts.sweep ?? []).map(Number)),
    };
    const zeroLatencyMock = Boolean(opts.mock) && !opts.mockLatencyMs && !opts.mockTtftMs && !opts.mockTokensPerSec;
    const client = makeClient(cfg);
    const run: RunPlan = {
      client, cfg, stop: stop.signal, runStart: performance.now(), models: [opts.model], count: 0, concurrency: 1,
    };
    const ctx: Context = { opts, url, cfg, json, io, accelerated: Boolean(opts.accelerated), zeroLatencyMock, run };
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
