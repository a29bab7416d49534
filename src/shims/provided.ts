// Loaded by the full API entry (src/index.ts), which loads these modules anyway: hands them to the
// tables' lazy references, so a row and the app share one instance of each (see lazy.ts).
import * as handlerLookup from '../accelerators/handler-lookup';
import * as jsTiktoken from './js-tiktoken';
import { provide } from './lazy';
import * as openaiFetch from './openai-fetch';
import * as pooling from './pooling';
import * as ratelimit from './ratelimit';
import * as router from './router';
import * as sdkStreaming from './sdk-streaming';
import * as telemetry from './telemetry';
import * as tiktokenWasm from './tiktoken-wasm';
import * as tokens from './tokens';

provide({
  'handler-lookup': handlerLookup,
  'js-tiktoken': jsTiktoken,
  'openai-fetch': openaiFetch,
  pooling,
  ratelimit,
  router,
  'sdk-streaming': sdkStreaming,
  telemetry,
  'tiktoken-wasm': tiktokenWasm,
  tokens,
});
