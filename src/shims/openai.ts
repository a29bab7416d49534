import { closePools, sdkFetch } from './pooling';
import { fastFromSSEResponse } from './sdk-streaming';
import type { PatchTable } from './types';

// The patch tables for the SDKs litellm's handlers build a client of per call, which apps calling a
// LiteLLM proxy (or any OpenAI-compatible gateway) also use directly. The classes and every export
// stay the originals: the default fetch beneath them is the pooled one, and openai's SSE streams are
// read by the fast reader.

// Checked against openai 4.104 (the copy litellm 0.12 resolves here).
const OPENAI_4 = { package: 'openai', versions: '>=4.104.0 <5.0.0' } as const;

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
      value: sdkFetch('openai.fetch'),
    },
    {
      ...OPENAI_4,
      id: 'openai.Stream.fromSSEResponse',
      file: 'streaming.js',
      export: 'Stream.fromSSEResponse',
      feature: 'streaming',
      replace: fastFromSSEResponse((data) => data.startsWith('[DONE]')),
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
      value: sdkFetch('anthropic.fetch'),
    },
  ],
  dispose: closePools,
};
