// Token counting rows: litellm 0.12's countTokens/toUsage (js-tiktoken) vs the patched ones, with the
// other engines a Node user would pick as peers, and litellm's own functions over the js-tiktoken row's
// encoder (no litellm rows: what the memo and the count-only path are worth). Counting rows rotate over
// distinct texts with the memo off, so they time counting, not the memo; the recount rows time what
// the memo is for. The tokenizer libraries' own APIs: tokenizers.ts.
import { closeTokenPool, configureTokenCache, countTokens, countTokensBatch, getTokenPoolStats, TOKEN_CACHE_DEFAULTS } from '../../src/accelerators/tokens';
import type { BenchRow, FnRow } from '../lib/types';
import { plainCopy, TIKTOKEN, type WasmTiktoken } from './_plain';
import { customRows } from './_tokens-custom';
import { litellmTokens, prose } from './_tokens-lib';

type Count = (text: string) => number;

const wasm = plainCopy<WasmTiktoken>(TIKTOKEN);
let tiktoken: ReturnType<WasmTiktoken['get_encoding']> | undefined;
function peers(): Record<string, Count> {
  tiktoken ??= wasm.get_encoding('cl100k_base');
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
function rotating<R>(texts: string[], fn: (text: string) => R): () => R {
  let i = 0;
  return () => fn(texts[i++ % texts.length]);
}

type TextFn = (text: string) => unknown;

const VIA_ENCODER = "litellm's own function over the js-tiktoken row's encoder (no litellm rows)";

/**
 * One litellm function of a text, original vs patched, over `variants` distinct texts with the memo
 * off. countTokens rows also time the other engines (their answers are counts too).
 */
function countRow(id: string, name: string, approxTokens: number, variants: number, fn: 'countTokens' | 'toEmbeddingUsage' = 'countTokens'): FnRow {
  let texts: string[] = [];
  const row: FnRow = {
    kind: 'fn',
    id,
    name,
    group: 'tokens',
    baselineName: `litellm 0.12 ${fn} (js-tiktoken)`,
    acceleratedName: `patched ${fn} (fast-litellm BPE, memo off)`,
    setup() {
      texts = Array.from({ length: variants }, (_, v) => prose(approxTokens, (fn === 'countTokens' ? 1000 : 7000) + v));
      const t = litellmTokens();
      configureTokenCache({ maxBytes: 0 });
      row.baseline = rotating(texts, t.original[fn] as TextFn);
      row.accelerated = rotating(texts, t[fn] as TextFn);
      row.peers = { [VIA_ENCODER]: rotating(texts, t.viaEncoder[fn] as TextFn) };
      if (fn === 'countTokens') Object.assign(row.peers, Object.fromEntries(Object.entries(peers()).map(([k, f]) => [k, rotating(texts, f)])));
    },
    teardown() {
      configureTokenCache({ maxBytes: TOKEN_CACHE_DEFAULTS.maxBytes });
    },
    baseline: () => 0,
    accelerated: () => 0,
  };
  return row;
}

// A batch big enough for the worker pool (64 texts of ~1k tokens, ~290k characters, above the 32k
// inline threshold). litellm has no batch API: the baseline is its countTokens over the texts. The
// peer counts inline on the main thread, to show what the workers cost or save on this machine.
function batchRow(): FnRow {
  const SIZE = 64;
  let batches: string[][] = [];
  const rotate = (fn: (texts: string[]) => unknown) => {
    let i = 0;
    return () => fn(batches[i++ % batches.length]);
  };
  const row: FnRow = {
    kind: 'fn',
    id: 'tokens.count-batch',
    name: `countTokensBatch, ${SIZE} texts of ~1k tokens`,
    group: 'tokens',
    baselineName: 'litellm 0.12 countTokens on each text (js-tiktoken)',
    acceleratedName: 'countTokensBatch (piscina workers, memo off)',
    setup() {
      const batch = (b: number) => Array.from({ length: SIZE }, (_, v) => prose(1000, 5000 + b * SIZE + v));
      batches = Array.from({ length: 4 }, (_, b) => batch(b));
      const t = litellmTokens();
      configureTokenCache({ maxBytes: 0 });
      row.baseline = rotate((texts) => texts.map((x) => t.original.countTokens(x)));
      row.accelerated = rotate((texts) => countTokensBatch(texts));
      row.peers = { 'fast-litellm countTokens on each text, inline': rotate((texts) => texts.map((x) => countTokens(x))) };
    },
    async teardown() {
      const stats = getTokenPoolStats();
      if (stats.offloaded === 0) throw new Error('countTokensBatch never reached the worker pool');
      configureTokenCache({ maxBytes: TOKEN_CACHE_DEFAULTS.maxBytes });
      await closeTokenPool();
    },
    baseline: () => 0,
    accelerated: () => 0,
    itemsPerOp: SIZE,
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
      row.peers = { [VIA_ENCODER]: recount(t.viaEncoder.countTokens) };
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
  batchRow(),
  // litellm's embedding handlers (Ollama, Mistral) report usage with toEmbeddingUsage(input).
  countRow('tokens.embedding-usage', 'toEmbeddingUsage, ~200-token input', 200, 32, 'toEmbeddingUsage'),
  chatRecountRow(),
  ...customRows(),
];

