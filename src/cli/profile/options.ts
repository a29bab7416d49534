// The options of `fast-litellm profile`: those every command takes, and each command's own. Declared
// with `satisfies`, so that the options a command reads are typed from its spec (ParsedOpts).
import type { OptSpec, ParsedOpts } from '../args';
import { MOCK_BEHAVIOUR } from '../mock-server';

// The mock's options under --mock-<name>, worded as `mock-server` words them.
const MOCK_OPTS = ['latency-ms', 'ttft-ms', 'tokens-per-sec', 'reply-tokens', 'fail-rate', 'fail-status', 'drop-rate'] as const;
type MockOpts = { [K in (typeof MOCK_OPTS)[number] as `mock-${K}`]: (typeof MOCK_BEHAVIOUR)[K] };
const mockOpts = Object.fromEntries(
  MOCK_OPTS.map((k) => [`mock-${k}`, { ...MOCK_BEHAVIOUR[k], help: `with --mock: ${MOCK_BEHAVIOUR[k].help}` }]),
) as MockOpts;

export const COMMON = {
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
  ...mockOpts,
  help: { kind: 'boolean', help: 'show this help' },
} satisfies Record<string, OptSpec>;

export const LATENCY = {
  iterations: { kind: 'int', help: 'measured requests', default: 10 },
  warmup: { kind: 'int', help: 'unmeasured requests first', default: 2 },
} satisfies Record<string, OptSpec>;

export const THROUGHPUT = {
  requests: { kind: 'int', help: 'requests (per level when sweeping)', default: 100 },
  concurrency: { kind: 'int', help: 'requests in flight', default: 10 },
  sweep: { kind: 'list', arg: 'levels', help: 'concurrency levels to run in turn (bare --sweep: 1,2,5,10,20,50)' },
} satisfies Record<string, OptSpec>;

export const COMPARE = {
  models: { kind: 'list', arg: 'a b c', help: 'models to compare (space or comma separated)' },
  iterations: { kind: 'int', help: 'measured requests per model', default: 5 },
  warmup: { kind: 'int', help: 'unmeasured requests per model', default: 1 },
} satisfies Record<string, OptSpec>;

/** Any one command's own options: each may be absent (it belongs to another command). */
export type CommandSpec = Partial<typeof LATENCY & typeof THROUGHPUT & typeof COMPARE>;

/** What the shared set-up and reporting read: the common options, and the command's own where it has them. */
export type ProfileOpts = ParsedOpts<typeof COMMON & CommandSpec>;
export type LatencyOpts = ParsedOpts<typeof COMMON & typeof LATENCY>;
export type ThroughputOpts = ParsedOpts<typeof COMMON & typeof THROUGHPUT>;
export type CompareOpts = ParsedOpts<typeof COMMON & typeof COMPARE>;
