import type { PatchTable } from './types';

// The patch table for the `openai` SDK, for apps that call a LiteLLM proxy (or any OpenAI-compatible
// gateway) with the SDK directly, and for litellm's own handlers, which build a client per call.
export const openaiTable: PatchTable = {
  package: 'openai',
  rows: [
    // --- rows added by the pooling owner below this line ---
  ],
};
