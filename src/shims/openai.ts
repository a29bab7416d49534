import { lazy } from './lazy';
import type { PatchTable } from './types';

const openaiFetch = lazy('openai-fetch', () => require('./openai-fetch') as typeof import('./openai-fetch'));
const pooling = lazy('pooling', () => require('./pooling') as typeof import('./pooling'));
const streaming = lazy('sdk-streaming', () => require('./sdk-streaming') as typeof import('./sdk-streaming'));
const telemetry = lazy('telemetry', () => require('./telemetry') as typeof import('./telemetry'));
const closePools = async (): Promise<void> => pooling.loaded()?.closePools();

// The patch tables for the SDKs litellm's handlers build a client of per call, which apps calling a
// LiteLLM proxy (or any OpenAI-compatible gateway) also use directly. The classes and every export
// stay the originals: the default fetch beneath them is the pooled one, and openai's SSE streams are
// read by the fast reader.

// Checked against openai 4.104 (the copy litellm 0.12 resolves here).
const OPENAI_4 = { package: 'openai', versions: '>=4.104.0 <5.0.0' } as const;

// openai 5, 6 and 7 share one layout (client.js / client.mjs, internal/shims, core/streaming), checked
// against 5.0.0, 5.23.2, 6.0.0, 6.49.0, 7.0.0 and 7.59.0. Their SSE rules differ by release (the
// [DONE] rule, EOF flush, `event: error`): the fast reader takes the rules of the installed code
// (sseRulesOf), and hands everything past the common path to that code.
const OPENAI_5_7 = { package: 'openai', versions: '>=5.0.0 <8.0.0' } as const;

export const openaiTable: PatchTable = {
  package: 'openai',
  rows: [
    {
      // _shims/index.js fills registry.fetch (node-fetch) in when it loads; clients read it per construction.
      ...OPENAI_4,
      id: 'openai.fetch',
      file: '_shims/registry.js',
      after: '_shims/index.js',
      export: 'fetch',
      feature: 'connection_pooling',
      acts: 'underneath',
      value: (o, h) => pooling().sdkFetch('openai.fetch')(o, h),
    },
    {
      ...OPENAI_4,
      id: 'openai.Stream.fromSSEResponse',
      file: 'streaming.js',
      export: 'Stream.fromSSEResponse',
      feature: 'streaming',
      replace: (o, h) => streaming().fastFromSSEResponse('v4', streaming().SSE_PREFIX_DONE)(o, h),
    },
    {
      // `this.fetch = options.fetch ?? Shims.getDefaultFetch()`: every client built without its own
      // fetch (withOptions() clones included) gets the pooled one; a user's fetch is never seen.
      ...OPENAI_5_7,
      id: 'openai.getDefaultFetch',
      file: 'internal/shims.js',
      export: 'getDefaultFetch',
      feature: 'connection_pooling',
      acts: 'underneath',
      value: (o) => openaiFetch().sdkDefaultFetch('openai.getDefaultFetch')(o),
    },
    {
      ...OPENAI_5_7,
      id: 'openai.core.Stream.fromSSEResponse',
      file: 'core/streaming.js',
      export: 'Stream.fromSSEResponse',
      feature: 'streaming',
      replace: (o, h) => streaming().fastFromSSEResponse('v5+')(o, h),
    },
    // The prototype methods in place (as OpenTelemetry's openai instrumentations patch them): the classes
    // and every client stay the same objects, and the APIPromise a call returns is the SDK's own.
    {
      ...OPENAI_5_7,
      id: 'openai.chat.completions.create.telemetry',
      file: 'resources/chat/completions/completions.js',
      export: 'Completions.prototype.create',
      feature: 'telemetry',
      replace: (o) => telemetry().observedOpenai('chat')(o),
      guard: { sideEffects: true },
    },
    {
      ...OPENAI_5_7,
      id: 'openai.embeddings.create.telemetry',
      file: 'resources/embeddings.js',
      export: 'Embeddings.prototype.create',
      feature: 'telemetry',
      replace: (o) => telemetry().observedOpenai('embeddings')(o),
      guard: { sideEffects: true },
    },
  ],
  dispose: closePools,
};

const ANTHROPIC_06 = { package: '@anthropic-ai/sdk', versions: '>=0.6.8 <0.7.0' } as const;

export const anthropicTable: PatchTable = {
  package: '@anthropic-ai/sdk',
  rows: [
    {
      ...ANTHROPIC_06,
      id: 'anthropic.fetch',
      file: '_shims/registry.js',
      after: '_shims/index.js',
      export: 'fetch',
      feature: 'connection_pooling',
      acts: 'underneath',
      value: (o, h) => pooling().sdkFetch('anthropic.fetch')(o, h),
    },
  ],
  dispose: closePools,
};
