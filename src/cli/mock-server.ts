// `fast-litellm mock-server`: run the embedded mock LLM server in the foreground.
import { helpText, parseArgs, stdio, type CommandHelp, type OptSpec, type Out } from './args';
import { EXIT, exitCodesText } from './exit-codes';
import { MOCK_DEFAULTS, startMockServer } from '../mock';

const D = MOCK_DEFAULTS;

/**
 * The mock's behaviour options, worded once: `mock-server` takes them as they are, `profile --mock`
 * as `--mock-<name>`. Defaults shown are the mock's own (src/mock/options.ts).
 */
export const MOCK_BEHAVIOUR = {
  seed: { kind: 'int', help: 'seed of the replies and of the fault dice', shownDefault: String(D.seed) },
  'reply-tokens': { kind: 'int', help: 'tokens per reply (capped by max_tokens)', shownDefault: String(D.replyTokens) },
  'embedding-dims': { kind: 'int', help: 'length of embedding vectors', shownDefault: String(D.embeddingDims) },
  'latency-ms': { kind: 'number', help: 'delay before a response, ms', shownDefault: String(D.latencyMs) },
  'ttft-ms': { kind: 'number', help: 'delay to the first token of a stream, ms', shownDefault: 'the latency' },
  'tokens-per-sec': { kind: 'number', help: 'streaming token rate; 0 = unpaced', shownDefault: String(D.tokensPerSec) },
  'chunk-tokens': { kind: 'int', help: 'tokens per streamed event', shownDefault: String(D.chunkTokens) },
  'fail-rate': { kind: 'number', help: 'share of requests answered with the fail status, 0..1', shownDefault: String(D.failRate) },
  'fail-status': { kind: 'int', help: 'HTTP status of injected failures (429 adds retry-after)', shownDefault: String(D.failStatus) },
  'retry-after': { kind: 'int', help: 'seconds in retry-after on a 429', shownDefault: String(D.retryAfterSec) },
  'drop-rate': { kind: 'number', help: 'share of responses cut mid-body, 0..1', shownDefault: String(D.dropRate) },
  'split-lines': { kind: 'boolean', help: 'cut streamed lines across socket writes' },
  'split-utf8': { kind: 'boolean', help: 'cut streamed lines inside multi-byte characters' },
  unicode: { kind: 'boolean', help: 'non-ASCII reply words' },
} satisfies Record<string, OptSpec>;

const SPEC = {
  port: { kind: 'int', help: 'port to listen on; 0 = any free port', default: 4010 },
  host: { kind: 'string', arg: 'address', help: 'address to listen on', default: '127.0.0.1' },
  ...MOCK_BEHAVIOUR,
  help: { kind: 'boolean', help: 'show this help' },
} satisfies Record<string, OptSpec>;

const HELP: CommandHelp = {
  usage: 'fast-litellm mock-server [options]',
  summary:
    'Runs the embedded mock LLM server until Ctrl-C: OpenAI-compatible chat completions and embeddings (JSON and\n' +
    'SSE), Ollama generate/embeddings, Anthropic /v1/complete; seeded replies, optional latency, token pacing and\n' +
    'injected failures. Point litellm at it with baseUrl, the openai SDK with baseURL, and litellm\'s OpenAI\n' +
    'embeddings with OPENAI_BASE_URL=<url>/v1 (that handler passes no base URL of its own).',
  examples: [
    'npx fast-litellm mock-server',
    'npx fast-litellm mock-server --port 0 --latency-ms 50  # any free port, 50 ms per answer',
    'npx fast-litellm mock-server --ttft-ms 200 --tokens-per-sec 40  # streams like a real model',
    'npx fast-litellm mock-server --fail-rate 0.05 --fail-status 429  # 5% rate-limited answers',
  ],
};

export async function mockServerCommand(argv: string[], io: Out = stdio): Promise<number> {
  const { opts } = parseArgs(argv, SPEC, 'mock-server');
  if (opts.help) {
    io.out(helpText(HELP, SPEC, exitCodesText(['ok', 'failure'])) + '\n');
    return EXIT.ok;
  }
  const server = await startMockServer({
    port: opts.port, host: opts.host, seed: opts.seed, replyTokens: opts.replyTokens, embeddingDims: opts.embeddingDims,
    latencyMs: opts.latencyMs, ttftMs: opts.ttftMs, tokensPerSec: opts.tokensPerSec, chunkTokens: opts.chunkTokens,
    failRate: opts.failRate, failStatus: opts.failStatus, retryAfterSec: opts.retryAfter, dropRate: opts.dropRate,
    splitLines: opts.splitLines, splitUtf8: opts.splitUtf8, unicode: opts.unicode, ref: true,
  });
  io.out(
    `mock LLM server listening on ${server.url}\n` +
      `  OpenAI-compatible: POST ${server.url}/v1/chat/completions, /v1/embeddings (also without /v1)\n` +
      `  Ollama:            POST ${server.url}/api/generate, /api/embeddings\n` +
      `  Anthropic:         POST ${server.url}/v1/complete\n` +
      'Ctrl-C to stop.\n',
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      const s = server.stats();
      io.out(`\nserved ${s.requests} requests on ${s.connectionsOpened} connections\n`);
      server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return EXIT.ok;
}
