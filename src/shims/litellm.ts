import { createPatternLookup } from '../accelerators/handler-lookup';
import { createExports as lazyEncoders } from './redirects/litellm-encoders';
import type { AnyFn } from './guard';
import { closeLimits, rateLimited } from './ratelimit';
import type { PatchTable } from './types';
import { embeddingFunction, handlerMappings } from './litellm-handlers';
import { tokenRow } from './tokens';

// The patch table for the npm package `litellm`: which export of which file is replaced by what,
// under which feature. Checked against litellm 0.12.0's dist/src; other versions are skipped.
const LITELLM = '>=0.12.0 <0.13.0';

function handlerLookup(original: AnyFn): AnyFn {
  const lookup = createPatternLookup();
  return function getHandler(this: unknown, model: unknown, mapping: unknown) {
    // Odd inputs keep the original's own answer or error.
    if (typeof model !== 'string' || mapping === null || typeof mapping !== 'object') return original.call(this, model, mapping);
    return lookup(model, mapping as Record<string, unknown>);
  };
}

export const litellmTable: PatchTable = {
  package: 'litellm',
  rows: [
    {
      id: 'litellm.getHandler',
      package: 'litellm',
      versions: LITELLM,
      file: 'dist/src/handlers/getHandler.js',
      export: 'getHandler',
      feature: 'handler_lookup',
      replace: handlerLookup,
    },
    {
      id: 'litellm.encoders',
      package: 'litellm',
      versions: LITELLM,
      file: 'dist/src/utils/encoders.js',
      feature: 'token_counting',
      redirect: lazyEncoders,
    },
    // litellm loads every provider SDK at import (~90 ms of its start-up) and reads each only through
    // __importDefault(require(...)).default when a call is made: load each on first use instead.
    ...(
      [
        ['openai', 'dist/src/handlers/openai.js'],
        ['openai', 'dist/src/handlers/openaiEmbedding.js'],
        ['@anthropic-ai/sdk', 'dist/src/handlers/anthropic.js'],
        ['cohere-ai', 'dist/src/handlers/cohere.js'],
        ['replicate', 'dist/src/handlers/replicate.js'],
        ['eventsource', 'dist/src/handlers/replicate.js'],
      ] as const
    ).map(([defer, file]) => ({
      id: `litellm.defer:${defer}@${file.slice('dist/src/handlers/'.length, -3)}`,
      package: 'litellm',
      versions: LITELLM,
      file,
      feature: 'lazy_loading' as const,
      defer,
    })),
    // --- rows added by feature owners below this line (keep one row per replaced export) ---
    {
      // Exact tiktoken counts via our count-only BPE + memo; special-token text counted as text.
      id: 'litellm.countTokens',
      package: 'litellm',
      versions: LITELLM,
      file: 'dist/src/utils/toUsage.js',
      export: 'countTokens',
      feature: 'token_counting',
      replace: tokenRow('countTokens'),
    },
    {
      // The original calls its own countTokens directly, so toUsage is replaced as a whole.
      id: 'litellm.toUsage',
      package: 'litellm',
      versions: LITELLM,
      file: 'dist/src/utils/toUsage.js',
      export: 'toUsage',
      feature: 'token_counting',
      replace: tokenRow('toUsage'),
    },
    {
      id: 'litellm.toEmbeddingUsage',
      package: 'litellm',
      versions: LITELLM,
      file: 'dist/src/utils/toUsage.js',
      export: 'toEmbeddingUsage',
      feature: 'token_counting',
      replace: tokenRow('toEmbeddingUsage'),
    },
    {
      // completion() reads exports.MODEL_HANDLER_MAPPINGS per call: a copy whose OpenAI, Anthropic,
      // Mistral, DeepInfra, AI21 and Ollama entries are guarded pooled handlers (Ollama also the
      // streaming fast path, feature `streaming`). Each entry checks its own flag.
      id: 'litellm.MODEL_HANDLER_MAPPINGS',
      package: 'litellm',
      versions: LITELLM,
      file: 'dist/src/completion.js',
      export: 'MODEL_HANDLER_MAPPINGS',
      feature: 'connection_pooling',
      value: handlerMappings,
    },
    {
      id: 'litellm.embedding',
      package: 'litellm',
      versions: LITELLM,
      file: 'dist/src/embedding.js',
      export: 'embedding',
      feature: 'connection_pooling',
      replace: embeddingFunction,
      guard: { async: true, sideEffects: true },
    },
    // Rate limiting goes last: it wraps whatever the rows above made of completion/embedding.
    {
      id: 'litellm.completion.rateLimit',
      package: 'litellm',
      versions: LITELLM,
      file: 'dist/src/completion.js',
      export: 'completion',
      feature: 'rate_limiting',
      replace: rateLimited('completion'),
      guard: { async: true, sideEffects: true },
    },
    {
      id: 'litellm.embedding.rateLimit',
      package: 'litellm',
      versions: LITELLM,
      file: 'dist/src/embedding.js',
      export: 'embedding',
      feature: 'rate_limiting',
      replace: rateLimited('embedding'),
      guard: { async: true, sideEffects: true },
    },
  ],
  // removeAcceleration(): the Redis connection of the rate limits goes with the patches.
  dispose: closeLimits,
};
