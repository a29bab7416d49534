import type { PatchTable } from './types';
import { closePools, pooledClientClass } from './pooling';

// Checked against openai 4.104 (the copy litellm 0.12 resolves here).
const OPENAI = '>=4.104.0 <5.0.0';

// The patch table for the `openai` SDK, for apps that call a LiteLLM proxy (or any OpenAI-compatible
// gateway) with the SDK directly, and for litellm's own handlers, which build a client per call.
export const openaiTable: PatchTable = {
  package: 'openai',
  rows: [
    // --- rows added by the pooling owner below this line ---
    {
      // CommonJS: OpenAI (and AzureOpenAI) extend core.js's APIClient when index.js loads, so a
      // subclass put here before that reaches every client, however the app imports the class.
      id: 'openai.APIClient',
      package: 'openai',
      versions: OPENAI,
      file: 'core.js',
      export: 'APIClient',
      feature: 'connection_pooling',
      value: (original) => pooledClientClass(original as new (...args: any[]) => any),
    },
    {
      // ESM `import OpenAI from 'openai'` (through the import hook) and CommonJS `.default` users,
      // including an openai that was loaded before the acceleration.
      id: 'openai.default',
      package: 'openai',
      versions: OPENAI,
      file: '',
      export: 'default',
      feature: 'connection_pooling',
      value: (original) => pooledClientClass(original as new (...args: any[]) => any),
    },
    {
      // `import { OpenAI } from 'openai'` and `require('openai').OpenAI`, for the same late case.
      // (`require('openai')` itself is the class: a reference taken before the acceleration stays.)
      id: 'openai.OpenAI',
      package: 'openai',
      versions: OPENAI,
      file: '',
      export: 'OpenAI',
      feature: 'connection_pooling',
      value: (original) => pooledClientClass(original as new (...args: any[]) => any),
    },
  ],
  dispose: closePools,
};
