// Token counting rows: litellm 0.12's countTokens/toUsage (js-tiktoken) vs the patched ones, with the
// other engines a Node user would pick as peers. Counting rows rotate over distinct texts with the memo
// off, so they time counting, not the memo; the recount rows time what the memo is for.
import { get_encoding, type Tiktoken } from 'tiktoken';
import { configureTokenCache, TOKEN_CACHE_DEFAULTS } from '../../src/accelerators/tokens';
import type { BenchRow, FnRow } from '../lib/types';
import { customRows } from './_tokens-custom';
import { litellmTokens, prose } from './_tokens-lib';

type Count = (text: string) => number;

let tiktoken: Tiktoken | undefined;
function peers(): Record<string, Count> {
  tiktoken ??= get_encoding('cl100k_base');
  const enc = tiktoken;
  const gpt = require('gpt-tokenizer/cjs/encoding/cl100k_base') as { countTokens(t: string, o?: object): number };
  const { Tokenizer } = require('ai-tokenizer') as { Tokenizer: new (d: unknown) => { count(t: string): number } };
  const ai = new Tokenizer(require('ai-tokenizer/encoding/cl100k_base'));
  const none = new Set<string>();
  return {
    'tiktoken (WASM)': (t) => enc.encode_ordinary(t).length,
    'gpt-tokenizer': (t) => gpt.countTokens(t, { disallowedSpecial: none }),
    'ai-tokenizer': (t) => ai.count(t),
  };
}

/** Each side gets its own cursor, so the runner's equality call sees the same first text on both. */
function rotating(texts: string[], fn: Count): () => number {
  let i = 0;
  return () => fn(texts[i++ % texts.length]);
}

function countRow(id: string, name: string, approxTokens: number, variants: number): FnRow {
  let texts: string[] = [];
  const row: FnRow = {
    kind: 'fn',
    id,
    name,
    group: 'tokens',
    baselineName: 'litellm 0.12 countTokens (js-tiktoken)',
    acceleratedName: 'patched countTokens (fast-litellm BPE, memo off)',
    setup() {
      texts = Array.from({ length: variants }, (_, v) => prose(approxTokens, 1000 + v));
      const t = litellmTokens();
      configureTokenCache({ maxBytes: 0 });
      row.baseline = rotating(texts, t.original.countTokens);
      row.accelerated = rotating(texts, t.countTokens);
      row.peers = Object.fromEntries(Object.entries(peers()).map(([k, f]) => [k, rotating(texts, f)]));
    },
    teardown() {
      configureTokenCache({ maxBytes: TOKEN_CACHE_DEFAULTS.maxBytes });
    },
    baseline: () => 0,
    accelerated: () => 0,
  };
  return row;
}

// A chat app recounting its history every turn: turn t counts messages 1..t (210 counts in 20 turns).
// Each op is a new conversation, so the memo only knows the turns of this one, as in a real app.
function chatRecountRow(): FnRow {
  const TURNS = 20;
  let base: string[] = [];
  const conversation = (k: number) => base.map((m, i) => `[${k}.${i}] ${m}`);
  const recount = (count: Count) => {
    let k = 0;
    return () => {
      const msgs = conversation(k++);
      const totals: number[] = [];
      for (let turn = 1; turn <= TURNS; turn++) {
        let sum = 0;
        for (let i = 0; i < turn; i++) sum += count(msgs[i]);
        totals.push(sum);
      }
      return totals;
    };
  };
  const row: FnRow = {
    kind: 'fn',
    id: 'tokens.chat-recount',
    name: '20-turn chat, history recounted every turn',
    group: 'tokens',
    baselineName: 'litellm 0.12 countTokens per message (js-tiktoken)',
    acceleratedName: 'patched countTokens (memo: old turns are lookups)',
    setup() {
      base = Array.from({ length: TURNS }, (_, i) => prose(i % 2 ? 120 : 40, 50 + i));
      const t = litellmTokens();
      configureTokenCache({ maxBytes: TOKEN_CACHE_DEFAULTS.maxBytes });
      row.baseline = recount(t.original.countTokens);
      row.accelerated = recount(t.countTokens);
    },
    baseline: () => 0,
    accelerated: () => 0,
    itemsPerOp: (TURNS * (TURNS + 1)) / 2,
  };
  return row;
}

export const rows: BenchRow[] = [
  countRow('tokens.count.20', 'countTokens, ~20-token message', 20, 64),
  countRow('tokens.count.1k', 'countTokens, ~1k tokens', 1000, 16),
  countRow('tokens.count.100k', 'countTokens, ~100k tokens', 100_000, 2),
  chatRecountRow(),
  ...customRows(),
];

