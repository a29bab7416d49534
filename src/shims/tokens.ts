// Replacements for litellm's utils/toUsage.js exports (feature token_counting). The same counts as
// litellm's own (js-tiktoken's cl100k, its regexes included: flavor 'js-tiktoken'); text containing
// special-token strings ('<|endoftext|>') is counted as ordinary text where the original throws. The
// count-only path and the memo are what make these rows fast (an Ollama stream recounts its prompt per
// chunk, a chat its history per turn): they stay rows of their own rather than going through an
// encoder's encode(). Bad input throws, so the guard falls back to the original and its own error.
import { getConfig } from '../config';
import { configureTokenCache, countTokensFlavored } from '../accelerators/tokens/count';
import { configureTokenPool } from '../accelerators/tokens/pool';
import type { AnyFn } from './guard';

const count = (text: string): number => countTokensFlavored(text, 'cl100k_base', 'js-tiktoken');

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
    return count(text);
  },
  toUsage(prompt: string, completion: string) {
    if (!completion) return undefined;
    const promptTokens = count(prompt);
    const completionTokens = count(completion);
    return {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
  },
  toEmbeddingUsage(prompt: string) {
    const n = count(prompt);
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
