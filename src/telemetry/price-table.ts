// The built-in price table, in LiteLLM's model_prices_and_context_window.json format (USD per token):
// a few models of the providers litellm 0.12 reaches, the ones the mock and the tests use among them.
// Providers change prices; for current ones name LiteLLM's own file (or any file in its format) with
// FAST_LITELLM_PRICE_FILE: its entries replace these.

/** When these list prices were taken from the providers' price pages. */
export const PRICE_TABLE_DATE = '2025-06-01';

export interface ModelPrice {
  input_cost_per_token?: number;
  output_cost_per_token?: number;
  cache_read_input_token_cost?: number;
  litellm_provider?: string;
  mode?: string;
  max_input_tokens?: number;
  max_output_tokens?: number;
  [field: string]: unknown;
}

const M = 1e-6;
const chat = (provider: string, input: number, output: number, cached?: number): ModelPrice => ({
  input_cost_per_token: input * M,
  output_cost_per_token: output * M,
  ...(cached === undefined ? {} : { cache_read_input_token_cost: cached * M }),
  litellm_provider: provider,
  mode: 'chat',
});
const embedding = (provider: string, input: number): ModelPrice => ({
  input_cost_per_token: input * M, output_cost_per_token: 0, litellm_provider: provider, mode: 'embedding',
});

/** Per million tokens above (input, output, cached input), per token in the table. */
export const BUILTIN_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'gpt-3.5-turbo': chat('openai', 0.5, 1.5),
  'gpt-4': chat('openai', 30, 60),
  'gpt-4-turbo': chat('openai', 10, 30),
  'gpt-4o': chat('openai', 2.5, 10, 1.25),
  'gpt-4o-mini': chat('openai', 0.15, 0.6, 0.075),
  'gpt-4.1': chat('openai', 2, 8, 0.5),
  'gpt-4.1-mini': chat('openai', 0.4, 1.6, 0.1),
  'gpt-4.1-nano': chat('openai', 0.1, 0.4, 0.025),
  'o3-mini': chat('openai', 1.1, 4.4, 0.55),
  'text-embedding-3-small': embedding('openai', 0.02),
  'text-embedding-3-large': embedding('openai', 0.13),
  'text-embedding-ada-002': embedding('openai', 0.1),
  'claude-3-5-sonnet-20241022': chat('anthropic', 3, 15),
  'claude-3-5-haiku-20241022': chat('anthropic', 0.8, 4),
  'claude-3-haiku-20240307': chat('anthropic', 0.25, 1.25),
  'claude-3-opus-20240229': chat('anthropic', 15, 75),
  'mistral/mistral-large-latest': chat('mistral', 2, 6),
  'mistral/mistral-small-latest': chat('mistral', 0.1, 0.3),
  // Local models cost nothing per token (LiteLLM prices its ollama/* entries at 0 as well).
  'ollama/llama2': chat('ollama', 0, 0),
  'ollama/llama3': chat('ollama', 0, 0),
});
