// Token counts that come from outside (a provider's `usage`, a caller's estimate) turned into what
// the limits can count. Providers send odd values (12.5, -3, NaN, strings): those must never throw
// into a call that already succeeded.

/**
 * A usable token count: a finite number >= 0, fractions rounded up (a limit errs on the side of
 * counting), huge values capped. Anything else is `undefined`: the caller keeps what it reserved.
 */
export function usableTokens(v: unknown): number | undefined {
  if (typeof v !== 'number' || !(v >= 0) || v === Infinity) return undefined;
  return v <= Number.MAX_SAFE_INTEGER ? Math.ceil(v) : Number.MAX_SAFE_INTEGER;
}

/** What a call reserves against tpm before it runs: its prompt plus the completion it may produce. */
export function reservedTokens(promptTokens: number, maxTokens: unknown): number {
  const max = typeof maxTokens === 'number' && Number.isInteger(maxTokens) && maxTokens > 0 ? maxTokens : 0;
  return Math.min(Number.MAX_SAFE_INTEGER, promptTokens + max);
}

/** The tokens a whole (non-streamed) answer used: its reported total, else prompt + counted text. */
export function answerTokens(reportedTotal: unknown, promptTokens: number, countText: () => number): number {
  return usableTokens(reportedTotal) ?? promptTokens + countText();
}

type Answer = {
  usage?: { total_tokens?: unknown };
  choices?: { message?: { content?: unknown } }[];
} | null | undefined;

/** Tokens of a whole answer in the OpenAI chat-completion format (usage.total_tokens, or its text). */
export function answerUsage(result: unknown, promptTokens: number, countText: (text: string) => number): number {
  const r = result as Answer;
  return answerTokens(r?.usage?.total_tokens, promptTokens, () => {
    const content = r?.choices?.[0]?.message?.content;
    return typeof content === 'string' ? countText(content) : 0;
  });
}
