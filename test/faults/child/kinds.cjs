'use strict';
// The ways a case reaches a model: litellm 0.12's handlers (OpenAI, Ollama, Anthropic, Mistral,
// completion and embedding) and the openai SDK used directly (4 as installed, 5/6/7 from their
// fixture folders). `fault` is a model of test/faults/servers.ts (slow, f429, cut, ...) or undefined
// for a normal answer; `base` overrides where requests go (a redirecting or resetting front, a
// refused port), the mock by default.
const MESSAGES = [{ role: 'user', content: 'hello from the fault matrix' }];

function kinds(t, base = t.mock) {
  const litellm = () => t.litellm();
  const sdk = (major) => {
    let client;
    const OpenAI = () => t.openai(major);
    const get = (opts) => (opts ? new (OpenAI())({ apiKey: 'sk-fault', baseURL: `${base}/v1`, maxRetries: 0, ...opts })
      : (client ??= new (OpenAI())({ apiKey: 'sk-fault', baseURL: `${base}/v1`, maxRetries: 0 })));
    return {
      stream: (fault, req, opts) => get(opts).chat.completions.create({ model: fault ?? 'gpt-4o-mini', messages: MESSAGES, stream: true }, req),
      whole: (fault, req, opts) => get(opts).chat.completions.create({ model: fault ?? 'gpt-4o-mini', messages: MESSAGES }, req),
      embed: (fault, req, opts) => get(opts).embeddings.create({ model: fault ?? 'text-embedding-3-small', input: ['a', 'b'] }, req),
    };
  };
  return {
    'litellm-openai': {
      stream: (f) => litellm().completion({ model: f ? `gpt-${f}` : 'gpt-3.5-turbo', baseUrl: `${base}/v1`, apiKey: 'sk-fault', messages: MESSAGES, stream: true }),
      whole: (f) => litellm().completion({ model: f ? `gpt-${f}` : 'gpt-3.5-turbo', baseUrl: `${base}/v1`, apiKey: 'sk-fault', messages: MESSAGES }),
      // The embedding handler passes no base URL: the SDK reads OPENAI_BASE_URL (the row's env).
      embed: (f) => litellm().embedding({ model: f ? `text-embedding-${f}` : 'text-embedding-ada-002', apiKey: 'sk-fault', input: ['a', 'b'] }),
    },
    'litellm-ollama': {
      stream: (f) => litellm().completion({ model: `ollama/${f ?? 'llama2'}`, baseUrl: base, messages: MESSAGES, stream: true }),
      whole: (f) => litellm().completion({ model: `ollama/${f ?? 'llama2'}`, baseUrl: base, messages: MESSAGES }),
      embed: (f) => litellm().embedding({ model: `ollama/${f ?? 'llama2'}`, baseUrl: base, input: 'a' }),
    },
    'litellm-anthropic': {
      // litellm's Anthropic handler takes no base URL: the case points the SDK at `base` once (anthropicAt).
      stream: (f) => litellm().completion({ model: `claude-${f ?? '2'}`, apiKey: 'sk-ant-fault', messages: MESSAGES, stream: true }),
      whole: (f) => litellm().completion({ model: `claude-${f ?? '2'}`, apiKey: 'sk-ant-fault', messages: MESSAGES }),
    },
    'litellm-mistral': {
      stream: (f) => litellm().completion({ model: `mistral/${f ?? 'tiny'}`, baseUrl: base, apiKey: 'sk-fault', messages: MESSAGES, stream: true }),
      whole: (f) => litellm().completion({ model: `mistral/${f ?? 'tiny'}`, baseUrl: base, apiKey: 'sk-fault', messages: MESSAGES }),
      embed: (f) => litellm().embedding({ model: `mistral/${f ?? 'embed'}`, baseUrl: base, apiKey: 'sk-fault', input: ['a'] }),
    },
    sdk4: sdk(4),
    sdk5: sdk(5),
    sdk6: sdk(6),
    sdk7: sdk(7),
  };
}

module.exports = { kinds, MESSAGES };
