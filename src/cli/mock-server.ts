// `fast-litellm mock-server`: run the embedded mock LLM server in the foreground.
import { parseArgs, helpText, type OptSpec } from './args';
import { startMockServer } from '../mock';

const SPEC: Record<string, OptSpec> = {
  port: { kind: 'int', help: 'port on 127.0.0.1, 0 = any free port', default: 4010 },
  host: { kind: 'string', help: 'address to listen on', default: '127.0.0.1' },
  seed: { kind: 'int', help: 'seed of replies and fault dice' },
  'reply-tokens': { kind: 'int', help: 'tokens per reply (capped by max_tokens)' },
  'embedding-dims': { kind: 'int', help: 'embedding vector length' },
  'latency-ms': { kind: 'number', help: 'delay before a response' },
  'ttft-ms': { kind: 'number', help: 'streams: delay to the first token (default latency-ms)' },
  'tokens-per-sec': { kind: 'number', help: 'streaming token rate, 0 = unpaced' },
  'chunk-tokens': { kind: 'int', help: 'tokens per streamed event' },
  'fail-rate': { kind: 'number', help: 'share of requests answered with --fail-status' },
  'fail-status': { kind: 'int', help: 'status of injected failures (429 adds retry-after)' },
  'retry-after': { kind: 'int', help: 'seconds in retry-after on 429' },
  'drop-rate': { kind: 'number', help: 'share of responses cut mid-body' },
  'split-lines': { kind: 'boolean', help: 'cut streamed lines across socket writes' },
  'split-utf8': { kind: 'boolean', help: 'cut streamed lines inside multi-byte characters' },
  unicode: { kind: 'boolean', help: 'non-ASCII reply words' },
  help: { kind: 'boolean', help: 'show this help' },
};

export async function mockServerCommand(argv: string[]): Promise<number> {
  const { opts } = parseArgs(argv, SPEC);
  if (opts.help) {
    process.stdout.write(helpText('Usage: fast-litellm mock-server [options]', SPEC) + '\n');
    return 0;
  }
  const server = await startMockServer({
    port: opts.port, host: opts.host, seed: opts.seed, replyTokens: opts.replyTokens, embeddingDims: opts.embeddingDims,
    latencyMs: opts.latencyMs, ttftMs: opts.ttftMs, tokensPerSec: opts.tokensPerSec, chunkTokens: opts.chunkTokens,
    failRate: opts.failRate, failStatus: opts.failStatus, retryAfterSec: opts.retryAfter, dropRate: opts.dropRate,
    splitLines: opts.splitLines, splitUtf8: opts.splitUtf8, unicode: opts.unicode, ref: true,
  });
  process.stdout.write(
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
      process.stdout.write(`\nserved ${s.requests} requests on ${s.connectionsOpened} connections\n`);
      server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
