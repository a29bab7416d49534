#!/usr/bin/env node
// fast-litellm command line: a small subcommand dispatcher (help, version, suggestions for typos).
import { exampleLines, stdio, UsageError, type Out } from './args';
import { EXIT, exitCodesText } from './exit-codes';
import { didYouMean } from './suggest';
import { version } from './version';

interface Command {
  summary: string;
  run(argv: string[], io: Out): Promise<number>;
}


const COMMANDS: Record<string, Command> = {
  status: {
    summary: 'what is installed here, and what the shim would accelerate or skip (and why)',
    run: async (argv, io) => (await import('./status')).statusCommand(argv, io),
  },
  doctor: {
    summary: 'check this project: versions, Node, config, Redis, and a self-test of every feature',
    run: async (argv, io) => (await import('./doctor')).doctorCommand(argv, io),
  },
  'mock-server': {
    summary: 'run the embedded mock LLM server (OpenAI, Ollama, Anthropic wire formats)',
    run: async (argv, io) => (await import('./mock-server')).mockServerCommand(argv, io),
  },
  metrics: {
    summary: 'the Prometheus metrics and OpenTelemetry instruments the shim exports, or --url: a running app\'s',
    run: async (argv, io) => (await import('../telemetry/cli')).metricsCommand(argv, io),
  },
  profile: {
    summary: 'latency | throughput | compare: measure a gateway (or --mock) through http, openai or litellm',
    run: async (argv, io) => {
      const { profileCommand } = await import('./profile');
      const { processIO } = await import('./profile/context');
      // Captured output (tests): no terminal, no Ctrl-C handler.
      const profileIO = io === stdio ? processIO() : { ...io, isTTY: false, onInterrupt: () => () => undefined };
      return profileCommand(argv, profileIO);
    },
  },
};

const PROFILE_LINES = [
  ['profile latency', 'per-request latency, TTFB, TTFT and tokens/s of a gateway'],
  ['profile throughput', 'requests/s at one concurrency, or a --sweep of concurrencies'],
  ['profile compare', 'the same prompt against several --models'],
];

export function usage(): string {
  const rows: string[][] = [
    ['status', COMMANDS.status.summary],
    ['doctor', COMMANDS.doctor.summary],
    ['mock-server', COMMANDS['mock-server'].summary],
    ['metrics', COMMANDS.metrics.summary],
    ...PROFILE_LINES,
    ['help [command]', 'this help, or the options and examples of a command'],
  ];
  return [
    `fast-litellm ${version()}: faster litellm and openai SDK calls in Node, with the same answers.`,
    '',
    'Accelerate an app, no code change:',
    '  node --import fast-litellm/register app.js',
    '  NODE_OPTIONS="--import fast-litellm/register" npm start',
    '',
    'Usage: fast-litellm <command> [options]',
    '',
    'Commands:',
    ...rows.map(([c, s]) => `  ${c.padEnd(20)}${s}`),
    '',
    'Options:',
    `  ${'-h, --help'.padEnd(20)}show this help (after a command: its help)`,
    `  ${'-v, --version'.padEnd(20)}print the version`,
    '',
    'Examples:',
    ...exampleLines([
      'npx fast-litellm doctor  # is this project accelerated? self-test included',
      'npx fast-litellm status --json',
      'npx fast-litellm mock-server --port 4010  # an offline OpenAI-compatible server',
      'npx fast-litellm profile latency --mock',
      'npx fast-litellm help profile throughput',
    ]),
    '',
    exitCodesText(),
  ].join('\n');
}

const KNOWN = [...Object.keys(COMMANDS), 'help', '--help', '--version'];

export async function main(argv: string[], io: Out = stdio): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === '--version' || command === '-v' || command === 'version') {
      io.out(`fast-litellm ${version()}\n`);
      return EXIT.ok;
    }
    if (command === undefined || command === '--help' || command === '-h') {
      io.out(usage() + '\n');
      return command === undefined ? EXIT.failure : EXIT.ok;
    }
    if (command === 'help') {
      if (rest.length === 0) {
        io.out(usage() + '\n');
        return EXIT.ok;
      }
      const target = COMMANDS[rest[0]];
      if (!target) throw new UsageError(`unknown command ${rest[0]}${didYouMean(rest[0], Object.keys(COMMANDS))}`);
      return await target.run([...rest.slice(1), '--help'], io);
    }
    const target = COMMANDS[command];
    if (!target) throw new UsageError(`unknown command ${command}${didYouMean(command, KNOWN)}`);
    return await target.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      const where = err.command ? `fast-litellm help ${err.command}` : 'fast-litellm help';
      io.err(`fast-litellm: ${err.message}\nRun \`${where}\` for usage.\n`);
      return EXIT.failure;
    }
    if ((err as { code?: string })?.code === 'FAST_LITELLM_MOCK_OPTION') {
      io.err(`fast-litellm: ${(err as Error).message}\n`);
      return EXIT.failure;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // After Ctrl-C, requests given up on (litellm cannot cancel them) must not hold the process.
      if (code === EXIT.interrupted) process.exit(EXIT.interrupted);
    },
    (err) => {
      process.stderr.write(`fast-litellm: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
