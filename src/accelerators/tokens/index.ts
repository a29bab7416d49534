// Public surface of the token accelerator (pure: knows nothing about litellm or the tokenizer libraries
// it can stand in for; the rules files mirror their documented behaviour, they import nothing of theirs).
export {
  countTokens, encodeTokens, getTokenCacheStats, clearTokenCache, configureTokenCache, INVALID_ARGUMENT,
  type CountOptions,
} from './count';
export { encodingForModel, ENCODINGS, getEncoder, type EncodingName, type Flavor } from './encodings';
export { tokenCounter, chatEncoding, type TokenCounterOptions } from './chat';
export {
  countTokensAsync, countTokensBatch, closeTokenPool, configureTokenPool, getTokenPoolStats, TOKEN_POOL_DEFAULTS,
  type TokenPoolOptions, type TokenPoolStats,
} from './pool';
export { TOKEN_CACHE_DEFAULTS, type TokenCacheOptions, type TokenCacheStats } from './memo';
export { SPECIAL_TOKENS } from './special';
export { JsTiktokenRules } from './js-tiktoken-rules';
export { TiktokenRules } from './tiktoken-rules';
export { UNSUPPORTED, type RulesOptions, type Unsupported } from './rules';
export { rankSetOf } from './rank-sets';
