import type { AnyFn } from './guard';
import { lazy } from './lazy';
import type { PatchRow, PatchTable } from './types';

const lookup = lazy('handler-lookup', () => require('../accelerators/handler-lookup') as typeof import('../accelerators/handler-lookup'));
const pooling = lazy('pooling', () => require('./pooling') as typeof import('./pooling'));
const ratelimit = lazy('ratelimit', () => require('./ratelimit') as typeof import('./ratelimit'));
const router = lazy('router', () => require('./router') as typeof import('./router'));
const telemetry = lazy('telemetry', () => require('./telemetry') as typeof import('./telemetry'));
const tokens = lazy('tokens', () => require('./tokens') as typeof import('./tokens'));

// The patch table for the npm package `litellm`: which export of which file is replaced by what,
// under which feature. Checked against litellm 0.12.0's dist/src; other versions are skipped.
// Its handler functions are never replaced: the SDK clients they build get the pooled transport
// from the openai and Anthropic tables, and the handlers that call the global fetch see a pooled one.
const LITELLM = '>=0.12.0 <0.13.0';
const base = { package: 'litellm', versions: LITELLM } as const;

function handlerLookup(original: AnyFn): AnyFn {
  const find = lookup().createPatternLookup();
  return function getHandler(this: unknown, model: unknown, mapping: unknown) {
    // Odd inputs keep the original's own answer or error.
    if (typeof model !== 'string' || mapping === null || typeof mapping !== 'object') return original.call(this, model, mapping);
    return find(model, mapping as Record<string, unknown>);
  };
}

// litellm loads every provider SDK at import and reads each only through
// __importDefault(require(...)).default when a call is made: load each on first use, or in the
// background after start-up, instead. Not openai: measured, deferring it saved ~10 ms of start-up
// and cost the first chat request ~40 ms (the before/after run's chat p99 went above plain's).
const deferred: [sdk: string, handler: string][] = [
  ['@anthropic-ai/sdk', 'anthropic'],
  ['cohere-ai', 'cohere'],
  ['replicate', 'replicate'],
  ['eventsource', 'replicate'],
];

// Handlers that call the global fetch themselves.
const fetching = ['ollama', 'ollamaEmbedding', 'mistral', 'mistralEmbedding', 'deepinfra', 'ai21'];

const rows: PatchRow[] = [
  { ...base, id: 'litellm.getHandler', file: 'dist/src/handlers/getHandler.js', export: 'getHandler', feature: 'handler_lookup', replace: handlerLookup },
  ...deferred.map(([sdk, handler]): PatchRow => ({
    ...base,
    id: `litellm.${handler}.lazy:${sdk}`,
    file: `dist/src/handlers/${handler}.js`,
    feature: 'lazy_loading',
    defer: sdk,
  })),
  // Its encoder, js-tiktoken's getEncoding('cl100k_base') at import, is made by the js-tiktoken table
  // (tokenizers.ts) without the build. These three count with js-tiktoken's own splitting on the
  // count-only path and the memo; special-token text counted as text.
  { ...base, id: 'litellm.countTokens', file: 'dist/src/utils/toUsage.js', export: 'countTokens', feature: 'token_counting', replace: (o) => tokens().tokenRow('countTokens')(o) },
  // The original calls its own countTokens directly, so toUsage is replaced as a whole.
  { ...base, id: 'litellm.toUsage', file: 'dist/src/utils/toUsage.js', export: 'toUsage', feature: 'token_counting', replace: (o) => tokens().tokenRow('toUsage')(o) },
  { ...base, id: 'litellm.toEmbeddingUsage', file: 'dist/src/utils/toUsage.js', export: 'toEmbeddingUsage', feature: 'token_counting', replace: (o) => tokens().tokenRow('toEmbeddingUsage')(o) },
  ...fetching.map((handler): PatchRow => ({
    ...base,
    id: `litellm.${handler}.fetch`,
    file: `dist/src/handlers/${handler}.js`,
    feature: 'connection_pooling',
    global: 'fetch',
    binding: () => pooling().globalFetchBinding(`litellm.${handler}.fetch`)(),
  })),
  {
    ...base,
    id: 'litellm.completion.rateLimit',
    file: 'dist/src/completion.js',
    export: 'completion',
    feature: 'rate_limiting',
    replace: (o) => ratelimit().rateLimited('completion')(o),
    guard: { async: true, sideEffects: true },
  },
  {
    ...base,
    id: 'litellm.embedding.rateLimit',
    file: 'dist/src/embedding.js',
    export: 'embedding',
    feature: 'rate_limiting',
    replace: (o) => ratelimit().rateLimited('embedding')(o),
    guard: { async: true, sideEffects: true },
  },
  // After the rate-limit rows, so outside them: a routed call's attempts each pass the rate limits
  // under the deployment's own model name (and a limit's denial is that deployment's 429).
  {
    ...base,
    id: 'litellm.completion.router',
    file: 'dist/src/completion.js',
    export: 'completion',
    feature: 'router',
    replace: (o) => router().routed('completion')(o),
    guard: { async: true, sideEffects: true },
  },
  {
    ...base,
    id: 'litellm.embedding.router',
    file: 'dist/src/embedding.js',
    export: 'embedding',
    feature: 'router',
    replace: (o) => router().routed('embedding')(o),
    guard: { async: true, sideEffects: true },
  },
  // Last, so outermost: the app's call as a whole (rate-limit waits, retries and fallbacks included); the
  // router calls the export again for each attempt, which this row then sees as a child span.
  ...(['completion', 'embedding'] as const).map((kind): PatchRow => ({
    ...base, id: `litellm.${kind}.telemetry`, file: `dist/src/${kind}.js`, export: kind, feature: 'telemetry',
    replace: (o) => telemetry().observedLitellm(kind)(o), guard: { async: true, sideEffects: true },
  })),
];

export const litellmTable: PatchTable = {
  package: 'litellm',
  rows,
  // removeAcceleration(): the Redis connections of the rate limits and the router go with the patches.
  dispose: async () => {
    await Promise.all([
      ratelimit.loaded()?.closeLimits(),
      router.loaded()?.closeRouter(),
      telemetry.loaded()?.closeTelemetry(),
    ]);
  },
};
