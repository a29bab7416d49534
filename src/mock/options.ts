import { CODES, type ErrorCode, InvalidArgumentError, invalidMessage } from '../errors';
// Options of the embedded mock LLM server, their defaults and their checks (one place).

export type FailStatus = 429 | 500 | 502 | 503 | 504 | number;

export interface MockServerOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  host?: string;
  /** Seed of every deterministic reply and of the fault dice. */
  seed?: number;
  /** Tokens per reply (capped by the request's max_tokens / max_tokens_to_sample / num_predict). */
  replyTokens?: number;
  /** Embedding vector length. */
  embeddingDims?: number;
  /** Delay before a non-streamed response (and before the first token when ttftMs is unset). */
  latencyMs?: number;
  /** Streams: delay from request arrival to headers + first token. Defaults to latencyMs. */
  ttftMs?: number;
  /** Streaming token rate; 0 = as fast as possible. A non-streamed reply then also takes replyTokens/tokensPerSec. */
  tokensPerSec?: number;
  /** Tokens per streamed event. */
  chunkTokens?: number;
  /** Cut every streamed line in two across separate socket writes (the tail is sent with the next event). */
  splitLines?: boolean;
  /** Cut streamed lines inside a multi-byte UTF-8 character (replies then use non-ASCII words). */
  splitUtf8?: boolean;
  /** Use non-ASCII words in replies even without splitUtf8. */
  unicode?: boolean;
  /** Probability [0,1] that a request is answered with failStatus. */
  failRate?: number;
  failStatus?: FailStatus;
  /** Seconds sent in retry-after with a 429. */
  retryAfterSec?: number;
  /** When set, sent as x-should-retry (the OpenAI and Anthropic SDKs obey it; false stops their retries). */
  shouldRetry?: boolean;
  /** Probability [0,1] that the socket is destroyed in the middle of the response. */
  dropRate?: number;
  /** Keep the process alive while the server listens (the CLI does; tests and benchmarks don't need to). */
  ref?: boolean;
  /** Idle keep-alive timeout of server sockets. */
  keepAliveTimeoutMs?: number;
}

export type ResolvedOptions = Required<Omit<MockServerOptions, 'shouldRetry' | 'ttftMs'>> & {
  shouldRetry: boolean | undefined;
  ttftMs: number | undefined;
};

export const DEFAULTS: ResolvedOptions = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  seed: 42,
  replyTokens: 16,
  embeddingDims: 8,
  latencyMs: 0,
  ttftMs: undefined,
  tokensPerSec: 0,
  chunkTokens: 1,
  splitLines: false,
  splitUtf8: false,
  unicode: false,
  failRate: 0,
  failStatus: 429,
  retryAfterSec: 1,
  shouldRetry: undefined,
  dropRate: 0,
  ref: false,
  keepAliveTimeoutMs: 30_000,
});

/** A bad startMockServer() option (or mock-server CLI flag), in the package's message style. */
export class MockOptionError extends InvalidArgumentError {
  override readonly code: ErrorCode = CODES.MOCK_OPTION;
  constructor(message: string) {
    super(message);
    this.name = 'MockOptionError';
  }
}

const bad = (name: string, v: unknown, accepted: string) => new MockOptionError(invalidMessage(`startMockServer: ${name}`, v, accepted));

function num(name: string, v: unknown, min: number, max: number, integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    const kind = integer ? 'an integer' : 'a number';
    throw bad(name, v, `${kind} from ${min} to ${max}`);
  }
  return v;
}

function bool(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw bad(name, v, 'true or false');
  return v;
}

const NUMERIC: Record<string, [number, number, boolean]> = {
  port: [0, 65535, true],
  seed: [0, 2 ** 32 - 1, true],
  replyTokens: [0, 1_000_000, true],
  embeddingDims: [1, 65536, true],
  latencyMs: [0, 3_600_000, false],
  ttftMs: [0, 3_600_000, false],
  tokensPerSec: [0, 1e9, false],
  chunkTokens: [1, 1_000_000, true],
  failRate: [0, 1, false],
  failStatus: [400, 599, true],
  retryAfterSec: [0, 86_400, true],
  dropRate: [0, 1, false],
  keepAliveTimeoutMs: [0, 3_600_000, true],
};
const BOOLEAN = ['splitLines', 'splitUtf8', 'unicode', 'ref', 'shouldRetry'];

export function resolveOptions(options: MockServerOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw bad('options', options, 'an object');
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key in NUMERIC) {
      const [min, max, integer] = NUMERIC[key];
      out[key] = num(key, value, min, max, integer);
    } else if (BOOLEAN.includes(key)) {
      out[key] = bool(key, value);
    } else if (key === 'host') {
      if (typeof value !== 'string' || value === '') throw bad('host', value, 'a non-empty string');
      out.host = value;
    } else {
      throw new MockOptionError(`startMockServer: unknown option ${JSON.stringify(key)}`);
    }
  }
  return out as ResolvedOptions;
}
