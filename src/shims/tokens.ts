// Replacements for litellm's utils/toUsage.js exports (feature token_counting). Same results as
// js-tiktoken's cl100k for ordinary text; text containing special-token strings ('<|endoftext|>')
// is counted as ordinary text where the original throws. Bad input throws, so the guard falls
// back to the original and the caller sees the original's own error.
import { getConfig } from '../config';
import { configureTokenCache, countTokens } from '../accelerators/tokens/count';
import { configureTokenPool } from '../accelerators/tokens/pool';
import type { AnyFn } from './guard';

const CL100K = { encoding: 'cl100k_base' } as const;

let configured = false;
function applyTokenConfig(): void {
  if (configured) return;
  configured = true;
  const { cacheBytes, workers, workerThreshold } = getConfig().tokens;
  configureTokenCache({ maxBytes: cacheBytes });
  // 0 means "choose for this machine" (the pool's own defaults).
  configureTokenPool({
    ...(workers > 0 ? { maxThreads: workers } : {}),
    ...(workerThreshold > 0 ? { inlineBelowChars: workerThreshold } : {}),
  });
}

const REPLACEMENTS = {
  countTokens(text: string): number {
    return countTokens(text, CL100K);
  },
  toUsage(prompt: string, completion: string) {
    if (!completion) return undefined;
    const promptTokens = countTokens(prompt, CL100K);
    const completionTokens = countTokens(completion, CL100K);
    return {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
  },
  toEmbeddingUsage(prompt: string) {
    const n = countTokens(prompt, CL100K);
    return { prompt_tokens: n, total_tokens: n };
  },
};

export type TokenExport = keyof typeof REPLACEMENTS;

/** `replace` for a patch-table row of litellm's utils/toUsage.js. */
export function tokenRow(name: TokenExport): (original: AnyFn) => AnyFn {
  return () => {
    applyTokenConfig();
    return REPLACEMENTS[name] as AnyFn;
  };
}
