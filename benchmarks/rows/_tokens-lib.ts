// Shared by the token rows: litellm's patched toUsage module and, for baselines, a plain copy of it
// over litellm's own js-tiktoken encoder (texts: _tokens-text.ts).
import { applyAcceleration } from '../../src/index';
import { unwrap } from '../../src/shims/guard';
import { plainCopy } from './_plain';

export { prose, code, numbers, textOf, hostileShapes, TEXT_KINDS, type TextKind } from './_tokens-text';

type Count = (text: string) => number;
type ToUsage = (prompt: string, completion: string) => unknown;
type ToEmbeddingUsage = (prompt: string) => unknown;
interface Fns {
  countTokens: Count;
  toUsage: ToUsage;
  toEmbeddingUsage: ToEmbeddingUsage;
}

// Made at the import of the rows file, before any row applies the acceleration: the shim never sees it.
const plainToUsage = plainCopy<Fns>(require.resolve('litellm/dist/src/utils/toUsage'));

export interface LitellmTokens extends Fns {
  /** Plain litellm 0.12: its own functions over js-tiktoken (the baseline). */
  original: Fns;
  /**
   * litellm's own functions under the shim, its toUsage rows left out: they count through the
   * js-tiktoken table's encoder (`encode(text).length`, no memo). The alternative to litellm's rows,
   * measured to decide whether they are worth keeping.
   */
  viaEncoder: Fns;
}

/** litellm's toUsage module, patched; a plain copy; and litellm's own functions over the patched js-tiktoken. */
export function litellmTokens(): LitellmTokens {
  applyAcceleration({ features: { token_counting: 'on' } });
  const mod = require('litellm/dist/src/utils/toUsage') as Fns;
  if (unwrap(mod.countTokens) === mod.countTokens || unwrap(mod.toEmbeddingUsage) === mod.toEmbeddingUsage) {
    throw new Error('litellm countTokens / toEmbeddingUsage was not patched');
  }
  const viaEncoder = {
    countTokens: unwrap(mod.countTokens),
    toUsage: unwrap(mod.toUsage),
    toEmbeddingUsage: unwrap(mod.toEmbeddingUsage),
  };
  const { countTokens, toUsage, toEmbeddingUsage } = mod;
  return { countTokens, toUsage, toEmbeddingUsage, original: plainToUsage, viaEncoder };
}
