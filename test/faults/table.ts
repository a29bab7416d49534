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

const streamRows: Row[] = KINDS.flatMap((kind) => EXITS
  .filter((exit) => !kind.startsWith('sdk') || kind === 'sdk4' || ['break', 'throw', 'abandon'].includes(exit))
  .map((exit): Row => ({
    id: `stream-${exit}:${kind}`,
    script: 'stream-exit',
    params: { kind, exit, held: STOPS.has(kind) && ['break', 'return', 'throw'].includes(exit) },
    gc: true,
    imports: IMPORTS.has(`${kind}:${exit}`),
    zero: ['heldAfterGc', 'held'],
    expect: { after: { ok: { whole: (s: unknown) => typeof s === 'string' && s.length > 0 || 'empty' } } },
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

export const ROWS: Row[] = [
  ...streamRows,
  ...httpRows,
  ...sdkRows,
];
