// Public surface of the token accelerator (pure: knows nothing about litellm).
export { countTokens, getTokenCacheStats, clearTokenCache, configureTokenCache, INVALID_ARGUMENT, type CountOptions } from './count';
export { encodingForModel, ENCODINGS, type EncodingName } from './encodings';
export { tokenCounter, chatEncoding, type TokenCounterOptions } from './chat';
export { countTokensAsync, countTokensBatch, closeTokenPool, configureTokenPool, getTokenPoolStats, TOKEN_POOL_DEFAULTS, type TokenPoolOptions, type TokenPoolStats } from './pool';
export { TOKEN_CACHE_DEFAULTS, type TokenCacheOptions, type TokenCacheStats } from './memo';
