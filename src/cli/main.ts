#!/usr/bin/env node
// fast-litellm command line: a tiny subcommand dispatcher.
import { UsageError } from './args';

const USAGE = `Usage: fast-litellm <command> [options]

Commands:
  mock-server            run the embedded mock LLM server (OpenAI, Ollama, Anthropic wire formats)
  profile latency        per-request latency, TTFB, TTFT and tokens/s of a gateway
  profile throughput     requests/s at a concurrency, or a --sweep of concurrencies
  profile compare        the same prompt against several --models

Run \`fast-litellm <command> --help\` for its options.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'mock-server':
        return await (await import('./mock-server')).mockServerCommand(rest);
      case 'profile':
        return await (await import('./profile')).profileCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string })?.code === 'FAST_LITELLM_MOCK_OPTION') {
      process.stderr.write(`fast-litellm: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // After Ctrl-C, requests given up on (litellm cannot cancel them) must not hold the process.
      if (code === 130) process.exit(130);
    },
    (err) => {
      process.stderr.write(`fast-litellm: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
