// Recognising the four standard vocabularies in the form both tokenizer libraries ship them (the
// compressed `bpe_ranks` string of js-tiktoken's ranks files and of tiktoken's encoders/*.json, which
// are the same text), so an app that builds its own encoder from them (`js-tiktoken/lite`'s
// `new Tiktoken(ranks)`, tiktoken's `new Tiktoken(bpe, special, pat)`) can still be served; any other
// rank set is left to the library. Length first (free), then a SHA-256 of the text (~2-5 ms, once).
import { createHash } from 'node:crypto';
import type { EncodingName } from './encodings';

const KNOWN: readonly (readonly [EncodingName, number, string])[] = [
  ['cl100k_base', 1090447, '3d687fd92cd8fa61'],
  ['o200k_base', 2325049, '46095c39ad133184'],
  ['p50k_base', 545627, 'e23ec98d5839a941'],
  ['r50k_base', 545131, '79bfa2b34bc64d5a'],
];

const seen = new Map<string, EncodingName | undefined>();

/** The standard encoding whose ranks `bpeRanks` is, or undefined for any other text. */
export function rankSetOf(bpeRanks: unknown): EncodingName | undefined {
  if (typeof bpeRanks !== 'string') return undefined;
  const candidate = KNOWN.find(([, length]) => length === bpeRanks.length);
  if (candidate === undefined) return undefined;
  if (seen.has(bpeRanks)) return seen.get(bpeRanks);
  const digest = createHash('sha256').update(bpeRanks).digest('hex').slice(0, 16);
  const name = digest === candidate[2] ? candidate[0] : undefined;
  if (seen.size >= 8) seen.clear();
  seen.set(bpeRanks, name);
  return name;
}
