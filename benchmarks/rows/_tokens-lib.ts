// Shared by the token rows: litellm's patched toUsage module and deterministic text.
import { applyAcceleration } from '../../src/index';
import { unwrap } from '../../src/shims/guard';

type Count = (text: string) => number;
type ToUsage = (prompt: string, completion: string) => unknown;
type ToEmbeddingUsage = (prompt: string) => unknown;

// Deterministic English-like text with code and numbers, about `approxTokens` cl100k tokens.
const WORDS = ('the of and to in is that for it as with was on be by this at from or an are not but have which one all were we ' +
  'when your can said there use each she do how their if will up other about out many then them these so some her would make ' +
  'like him into time has look two more write go see number no way could people my than first water been call who its now ' +
  'find long down day did get come made may part request response model latency throughput tokenizer streaming provider ' +
  'gateway configuration deployment fallback retry budget').split(' ');
const EXTRAS = ['2024', '3.14', '42', '`const x = f(y);`', '(see below)', 'e.g.', '—', '"quoted"', 'don\'t', 'it\'s', 'API', 'JSON'];

export function prose(approxTokens: number, seed: number): string {
  let s = seed >>> 0 || 1;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const parts: string[] = [];
  let tokens = 0;
  let sentence = 0;
  while (tokens < approxTokens) {
    let w = rnd() < 0.06 ? EXTRAS[Math.floor(rnd() * EXTRAS.length)] : WORDS[Math.floor(rnd() * WORDS.length)];
    if (sentence === 0) w = w[0].toUpperCase() + w.slice(1);
    parts.push(w);
    tokens += w.length > 8 ? 2 : 1;
    sentence++;
    if (sentence > 8 && rnd() < 0.15) {
      parts[parts.length - 1] += rnd() < 0.8 ? '.' : '?';
      tokens++;
      sentence = 0;
      if (rnd() < 0.2) parts.push('\n\n');
    } else if (rnd() < 0.05) {
      parts[parts.length - 1] += ',';
      tokens++;
    }
  }
  return parts.join(' ').replace(/ \n\n /g, '\n\n');
}

export interface LitellmTokens {
  countTokens: Count;
  toUsage: ToUsage;
  toEmbeddingUsage: ToEmbeddingUsage;
  original: { countTokens: Count; toUsage: ToUsage; toEmbeddingUsage: ToEmbeddingUsage };
}

/** litellm's toUsage module, patched, and the originals behind the guard. */
export function litellmTokens(): LitellmTokens {
  applyAcceleration({ features: { token_counting: 'on' } });
  const mod = require('litellm/dist/src/utils/toUsage');
  const original = {
    countTokens: unwrap(mod.countTokens) as Count,
    toUsage: unwrap(mod.toUsage) as ToUsage,
    toEmbeddingUsage: unwrap(mod.toEmbeddingUsage) as ToEmbeddingUsage,
  };
  if (original.countTokens === mod.countTokens || original.toEmbeddingUsage === mod.toEmbeddingUsage) {
    throw new Error('litellm countTokens / toEmbeddingUsage was not patched');
  }
  return { countTokens: mod.countTokens, toUsage: mod.toUsage, toEmbeddingUsage: mod.toEmbeddingUsage, original };
}

