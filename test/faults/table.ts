import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from './matrix';

// The fault matrix: one row per case. A row names its case script (test/faults/cases), the script's
// parameters and environment, and every way its shimmed result may differ from plain (with the
// README entry that documents it). Every row runs plain and with -r; rows with `imports` also with
// --import.

const KINDS = ['litellm-openai', 'litellm-ollama', 'litellm-anthropic', 'litellm-mistral', 'sdk4', 'sdk5', 'sdk6', 'sdk7'];
const EXITS = ['break', 'return', 'throw', 'abandon', 'untouched'];
// Kinds whose reader stops the request when left (the SDK's Stream aborts it): their servers' streams
// end without a collection. litellm's Ollama and Mistral readers never cancel theirs.
const STOPS = new Set(['litellm-openai', 'litellm-anthropic', 'sdk4', 'sdk5', 'sdk6', 'sdk7']);
const IMPORTS = new Set(['litellm-openai:break', 'litellm-ollama:abandon', 'sdk7:break', 'sdk5:abandon']);

// litellm 0.12's Mistral reader parses only the first SSE event of each network read: which events a
// stream loses depends on how the bytes arrive, run by run, with or without the shim.
const MISTRAL = {
  keys: ['left', 'after.ok.stream'],
  doc: "README Differences (left as they are): litellm's Mistral reader loses events that share a network read",
  shimmed: { left: (l: any[]) => l.every((x) => Array.isArray(x.ok)) || JSON.stringify(l) },
};

const streamRows: Row[] = KINDS.flatMap((kind) => EXITS
  .filter((exit) => !kind.startsWith('sdk') || kind === 'sdk4' || exit !== 'untouched')
  .map((exit): Row => ({
    id: `stream-${exit}:${kind}`,
    script: 'stream-exit',
    params: { kind, exit, held: STOPS.has(kind) && ['break', 'return', 'throw'].includes(exit) },
    gc: true,
    imports: IMPORTS.has(`${kind}:${exit}`),
    zero: ['heldAfterGc', 'held'],
    expect: { after: { ok: { whole: (s: unknown) => typeof s === 'string' && s.length > 0 || 'empty' } } },
    ...(kind === 'litellm-mistral' ? { differs: MISTRAL } : {}),
  })));

const HTTP_FAULTS = ['f429', 'f500', 'r301', 'r302', 'r303', 'r307', 'r308', 'reset', 'refused', 'cut'];
const baseOf = (fault: string) => (fault === 'refused' ? '{REFUSED}' : `{FRONT}/${fault}`);

const httpRows: Row[] = HTTP_FAULTS.map((fault): Row => ({
  id: `http-${fault}:litellm`,
  script: 'http-faults',
  params: { fault },
  imports: fault === 'r307' || fault === 'cut',
  // litellm's OpenAI embedding handler passes no base URL: the SDK reads OPENAI_BASE_URL.
  env: /^f|cut/.test(fault) ? {} : { OPENAI_BASE_URL: `${baseOf(fault)}/v1` },
  timeoutMs: 90_000,
}));

const sdkRows: Row[] = [4, 5, 6, 7].map((major): Row => ({
  id: `http-all:sdk${major}`,
  script: 'sdk-faults',
  params: { major },
  imports: major === 7,
  zero: ['inFlight'],
}));

// Rate limits are new behaviour (README "Differences from plain litellm": a call over a limit throws
// RateLimitError, 429): plain admits every call, the shimmed runs exactly what the limits allow.
const RL_DOC = 'README Differences: rate limiting is new behaviour, on only when limits are configured';
const plainAdmitsAll = (r: any): true | string =>
  r.steps.every((s: any) => Object.keys(s).every((k) => !/Error|pending/.test(k))) || 'plain denied or lost a call';
const limits = (id: string, steps: unknown[], shimmed: any, more: Partial<Row> = {}): Row => ({
  id,
  script: 'ratelimit',
  params: { steps },
  differs: { keys: ['steps'], doc: RL_DOC, plain: plainAdmitsAll, shimmed: typeof shimmed === 'function' ? shimmed : { steps: shimmed } },
  warns: /fast-litellm rate limiting: Redis unavailable/,
  ...more,
});
const REDIS = { FAST_LITELLM_REDIS_URL: '{REDIS}' };
// Two streams held take both parallel slots; leaving them (break) gives the slots back.
const PARALLEL = [{ ok: 2 }, { 'RateLimitError:max_parallel_requests': 2 }, { left: { ok: 2 } }, { ok: 2 }];

const limitRows: Row[] = [
  limits('limits-rpm:memory', [{ calls: 12 }], [{ ok: 5, 'RateLimitError:requests': 7 }], { env: { FAST_LITELLM_RPM: '5' } }),
  // tpm reserves the prompt (and max_tokens, which litellm's Ollama handler does not take) before a
  // call and counts the reported usage after: 8 calls at once fit their reservations, then the usage
  // (8 x 21 tokens) is over 100 and every later call is denied.
  limits('limits-tpm:memory', [{ calls: 8 }, { calls: 8 }], [{ ok: 8 }, { 'RateLimitError:tokens': 8 }], { env: { FAST_LITELLM_TPM: '100' } }),
  limits('limits-parallel-streams:memory', [{ open: 2 }, { calls: 2 }, { leave: 'break' }, { calls: 2 }],
    PARALLEL, { env: { FAST_LITELLM_MAX_PARALLEL: '2' } }),
  limits('limits-rpm-busy-loop:redis', [{ calls: 60, spin: 600 }], [{ ok: 20, 'RateLimitError:requests': 40 }],
    { env: { ...REDIS, FAST_LITELLM_RPM: '20' }, redis: 'up', imports: true }),
  limits('limits-spin-between-calls:redis', [{ calls: 5, spinEach: 400 }], [{ ok: 3, 'RateLimitError:requests': 2 }],
    { env: { ...REDIS, FAST_LITELLM_RPM: '3' }, redis: 'up' }),
  limits('limits-refused-open:redis', [{ calls: 5 }], [{ ok: 5 }], { env: { ...REDIS, FAST_LITELLM_RPM: '2' }, redis: 'down' }),
  limits('limits-refused-closed:redis', [{ calls: 5 }], [{ 'RateLimitError:store_unavailable': 5 }],
    { env: { ...REDIS, FAST_LITELLM_RPM: '2', FAST_LITELLM_RATE_LIMIT_FAIL_MODE: 'closed' }, redis: 'down' }),
  limits('limits-refused-then-up:redis', [{ calls: 2 }, { control: 'redis/start' }, { sleep: 2500 }, { calls: 6 }],
    [{ ok: 2 }, { started: true }, { slept: 2500 }, { ok: 3, 'RateLimitError:requests': 3 }],
    { env: { ...REDIS, FAST_LITELLM_RPM: '3' }, redis: 'down' }),
  limits('limits-killed-restarted:redis',
    [{ calls: 3 }, { control: 'redis/kill' }, { calls: 3 }, { control: 'redis/start' }, { sleep: 2500 }, { calls: 6 }],
    // Failing open while Redis is gone; a new Redis holds no counts.
    [{ ok: 3 }, { killed: true }, { ok: 3 }, { started: true }, { slept: 2500 }, { ok: 4, 'RateLimitError:requests': 2 }],
    { env: { ...REDIS, FAST_LITELLM_RPM: '4' }, redis: 'up' }),
  // The process ends by itself with its Redis gone (issue 11 #7).
  limits('limits-killed-not-back:redis', [{ calls: 2 }, { control: 'redis/kill' }, { calls: 2 }],
    [{ ok: 2 }, { killed: true }, { ok: 2 }], { env: { ...REDIS, FAST_LITELLM_RPM: '4', FAST_LITELLM_MAX_PARALLEL: '2' }, redis: 'up' }),
  // Calls made while Redis sleeps are answered (failing open) before it wakes; once the store is
  // back, the window holds phase A's 3 and whichever of the stalled scripts Redis ran when it woke.
  limits('limits-stalled:redis', [{ calls: 3 }, { stall: 1.5, calls: 3 }, { sleep: 2500 }, { calls: 10 }],
    (r: any) => {
      const [a, b, , c] = r.steps;
      if (a.ok !== 3 || b.ok !== 3 || b.answeredDuringStall !== 3) return `phases A, B: ${JSON.stringify([a, b])}`;
      return (c.ok >= 4 && c.ok <= 7 && c.ok + (c['RateLimitError:requests'] ?? 0) === 10) || `phase C: ${JSON.stringify(c)}`;
    }, { env: { ...REDIS, FAST_LITELLM_RPM: '10' }, redis: 'up' }),
  limits('limits-parallel-streams:redis', [{ open: 2 }, { calls: 2 }, { leave: 'break' }, { calls: 2 }],
    PARALLEL, { env: { ...REDIS, FAST_LITELLM_MAX_PARALLEL: '2' }, redis: 'up' }),
];

// Workers that fail at start or die mid-task: every count still answers, equal to litellm's own.
const tokenRows: Row[] = [
  { id: 'tokens-worker-throws-at-start', preload: 'throw-in-worker', imports: true },
  { id: 'tokens-worker-exits-at-start', preload: 'exit-worker', env: { FAULT_WORKER_EXIT_MS: '0' } },
  { id: 'tokens-worker-exits-mid-task', preload: 'exit-worker', env: { FAULT_WORKER_EXIT_MS: '120' }, params: { words: 300_000 } },
].map((r): Row => ({
  script: 'tokens',
  ...r,
  env: { FAST_LITELLM_TOKEN_WORKERS: '2', ...r.env },
  expect: { one: { ok: (n: unknown) => (typeof n === 'number' && n > 0) || 'no count' } },
  timeoutMs: 90_000,
}));

const keyRows: Row[] = [
  // 20,000 flood names plus 527 crafted ones (cases/keys.cjs): each admitted exactly once.
  {
    id: 'keys-hash-flood:memory',
    script: 'keys',
    params: { flood: 20_000 },
    env: { FAST_LITELLM_RPM: '1' },
    differs: {
      keys: ['flood.second', 'flood.samples'], doc: RL_DOC,
      plain: { flood: { second: { Error: 20_527 } } },
      shimmed: { flood: { first: { Error: 20_527 }, second: { 'RateLimitError:requests': 20_527 } } },
    },
    timeoutMs: 120_000,
  },
  {
    id: 'keys-odd-api-keys',
    script: 'keys',
    params: { apiKeys: true },
    env: { FAST_LITELLM_RPM: '1' },
    imports: true,
    differs: {
      keys: ['perKey'], doc: RL_DOC,
      plain: {
        perKey: (p: Record<string, unknown>) => Object.values(p).every((x: any) => x.ok === 2) || JSON.stringify(p),
      },
      shimmed: {
        perKey: (p: Record<string, unknown>) =>
          Object.values(p).every((x: any) => x.ok === 1 && x['RateLimitError:requests'] === 1) || JSON.stringify(p),
      },
    },
  },
];

// Config files only the shim reads: a bad one stops the shimmed start with one line naming it (README
// Configuration: "An invalid value stops startup with one line"); plain never reads it.
const CFG_DOC = 'README Configuration: an invalid config file stops startup with one line (plain never reads it)';
const file = (name: string, content: string | Buffer) => (dir: string) => writeFileSync(join(dir, name), content);
type Setup = ((dir: string) => void) | undefined;
const badConfig = (id: string, name: string, setup: Setup, stderr: RegExp, more: Partial<Row> = {}): Row => ({
  id: `config-${id}`,
  script: 'config',
  env: { FAST_LITELLM_CONFIG: name.startsWith('/') ? name : `{TMP}/${name}` },
  setup,
  startup: { code: 1, stderr, doc: CFG_DOC },
  timeoutMs: 30_000,
  ...more,
});
const configRows: Row[] = [
  badConfig('bad-json', 'bad.json', file('bad.json', '{"rateLimit": {"rpm": 5,}'), /^fast-litellm: FAST_LITELLM_CONFIG: file \S+bad\.json is not valid JSON \(.+\); accepted: a JSON object$/),
  badConfig('bad-yaml', 'bad.yaml', file('bad.yaml', 'rateLimit:\n  rpm: [5\n'), /^fast-litellm: FAST_LITELLM_CONFIG: file \S+bad\.yaml is not valid YAML/),
  badConfig('fifo', 'fifo.json', (dir) => execFileSync('mkfifo', [join(dir, 'fifo.json')]), /^fast-litellm: FAST_LITELLM_CONFIG: \S+fifo\.json is a FIFO; accepted: a regular JSON or YAML file$/, { imports: true }),
  badConfig('directory', 'dir.json', (dir) => mkdirSync(join(dir, 'dir.json')), /^fast-litellm: FAST_LITELLM_CONFIG: \S+dir\.json is a directory; accepted/),
  badConfig('huge', 'huge.json', file('huge.json', `{${' '.repeat(2 * 1024 * 1024)}}`), /^fast-litellm: FAST_LITELLM_CONFIG: file \S+huge\.json has 2097154 bytes; accepted: a file of at most 1048576 bytes$/),
  badConfig('dev-zero', '/dev/zero', undefined, /^fast-litellm: FAST_LITELLM_CONFIG: \/dev\/zero is a character device; accepted/),
  badConfig('missing', 'missing.json', undefined, /^fast-litellm: FAST_LITELLM_CONFIG: cannot read file \S+missing\.json \(ENOENT\)/),
  badConfig('empty', 'empty.json', file('empty.json', ''), /^fast-litellm: FAST_LITELLM_CONFIG: file \S+empty\.json is not valid JSON/),
  badConfig('nul-bytes', 'nul.json', file('nul.json', '{"rateLimit": {"rpm": 5\u0000}}'), /^fast-litellm: FAST_LITELLM_CONFIG: file \S+nul\.json is not valid JSON/),
  badConfig('proto-top', 'proto.json', file('proto.json', '{"__proto__": {"disabled": true}}'), /^fast-litellm: \S+proto\.json: unknown setting "__proto__"; accepted: /),
  badConfig('constructor-top', 'ctor.json', file('ctor.json', '{"constructor": {"prototype": {"x": 1}}}'), /^fast-litellm: \S+ctor\.json: unknown setting "constructor"; accepted: /),
  badConfig('unknown-keys', 'unknown.json', file('unknown.json', '{"rateLimt": {"rpm": 1}, "featurs": {}}'), /^fast-litellm: \S+unknown\.json: unknown settings "rateLimt", "featurs"; accepted: /),
  badConfig('wrong-type', 'type.json', file('type.json', '{"rateLimit": {"rpm": [5]}}'), /^fast-litellm: \S+type\.json\.rateLimit\.rpm: invalid value an array; accepted: an integer from 1 to 4294967295$/),
  {
    // Model names are taken as written, __proto__ included; nothing reaches Object.prototype.
    id: 'config-proto-models',
    script: 'config',
    params: { calls: [['ollama/llama2', 3], ['__proto__', 2]] },
    env: { FAST_LITELLM_CONFIG: '{TMP}/models.json' },
    setup: file('models.json', '{"rateLimit": {"models": {"__proto__": {"rpm": 1}, "ollama/llama2": {"rpm": 2}}}}'),
    differs: {
      keys: ['calls'], doc: RL_DOC,
      // Computed keys: a literal `__proto__:` would set the spec's prototype and check nothing.
      plain: { calls: { 'ollama/llama2': { ok: 3 }, ['__proto__']: { Error: 2 } } },
      shimmed: {
        calls: { 'ollama/llama2': { ok: 2, 'RateLimitError:requests': 1 }, ['__proto__']: { Error: 1, 'RateLimitError:requests': 1 } },
      },
    },
    expect: { polluted: [] },
  },
];

export const ROWS: Row[] = [
  ...streamRows,
  ...httpRows,
  ...sdkRows,
  ...limitRows,
  ...tokenRows,
  ...keyRows,
  ...configRows,
];
