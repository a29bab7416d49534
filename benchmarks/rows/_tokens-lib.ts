// Shared by the token rows: litellm's patched toUsage module (texts: _tokens-text.ts).
import { applyAcceleration } from '../../src/index';
import { unwrap } from '../../src/shims/guard';

export { prose, code, numbers, textOf, hostileShapes, TEXT_KINDS, type TextKind } from './_tokens-text';

type Count = (text: string) => number;
type ToUsage = (prompt: string, completion: string) => unknown;
type ToEmbeddingUsage = (prompt: string) => unknown;

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
