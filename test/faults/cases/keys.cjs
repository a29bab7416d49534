'use strict';
// Crafted keys. `flood`: many model names built to share hash state (long common prefixes and
// suffixes, one code unit apart, NFC/NFD twins, lone surrogates, NUL and newlines, Object.prototype
// names), each called twice under rpm 1 per model: litellm has no handler for them (no request is
// made), so plain throws its own error every time; the limiter must admit each name exactly once.
// `apiKeys`: API keys with odd bytes through the OpenAI, Anthropic and Mistral handlers (headers
// built from them) once each, then twice each through Ollama (which sends no key) under rpm 1 per
// model and key: every distinct key is its own scope.
const { kinds } = require('../child/kinds.cjs');

function floodNames(n) {
  const names = [];
  const long = 'x'.repeat(4096);
  for (let i = 0; i < n; i++) names.push(`flood/${long}${i}`);
  for (let i = 0; i < 512; i++) names.push(`one-unit-apart-${String.fromCharCode(0x4e00 + i)}`);
  names.push('caf\u00e9', 'cafe\u0301', 'lone-\ud800', 'lone-\ud801', 'lone-\udfff', 'nul-\u0000', 'nul-\u0000\u0000',
    'line-\n', 'line-\r\n', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', '');
  return names;
}

const ODD_KEYS = ['sk-a\nb', 'sk-\r\nx-mock-fail: 500', 'sk-\u0000', 'sk-é', 'sk-\u{1F600}', 'sk-\ud800', 'sk-\ud801',
  `sk-${'k'.repeat(100_000)}`, '', ' sk-space ', 'sk-\t', 'sk-ÿ'];

module.exports = async (t) => {
  const litellm = t.litellm();
  const out = {};
  if (t.params.flood) {
    const names = floodNames(t.params.flood);
    const first = [];
    const second = [];
    for (const name of names) first.push(await t.outcome(() => litellm.completion({ model: name, messages: [] }), 'first'));
    for (const name of names) second.push(await t.outcome(() => litellm.completion({ model: name, messages: [] }), 'second'));
    // Plain's message names the model: tally by class, and keep a few messages whole.
    const strip = (o) => (o.error ? { error: { ...o.error, message: o.error.message.length > 80 ? '(long)' : o.error.message } } : o);
    out.flood = {
      names: names.length, first: t.tally(first), second: t.tally(second), samples: second.slice(-15).map(strip),
    };
  }
  if (t.params.apiKeys) {
    t.anthropicAt(t.mock);
    const k = kinds(t);
    const hi = [{ role: 'user', content: 'hi' }];
    // Each key's calls at once (the SDKs retry connection errors with backoff): outcomes keep their order.
    const headers = Object.fromEntries(await Promise.all(ODD_KEYS.map(async (key, i) => [i, await Promise.all([
      t.outcome(() => litellm.completion({ model: 'gpt-3.5-turbo', baseUrl: `${t.mock}/v1`, apiKey: key, messages: hi })),
      t.outcome(() => litellm.completion({ model: 'claude-2', apiKey: key, messages: hi })),
      t.outcome(() => litellm.completion({ model: 'mistral/tiny', baseUrl: t.mock, apiKey: key, messages: hi })),
    ])])));
    out.headers = headers;
    const perKey = {};
    for (const [i, key] of ODD_KEYS.entries()) {
      const call = () => t.outcome(() => litellm.completion({ model: 'ollama/llama2', baseUrl: t.mock, apiKey: key, messages: hi }));
      perKey[i] = t.tally([await call(), await call()]);
    }
    out.perKey = perKey;
    out.after = await t.outcome(async () => (await k['litellm-openai'].whole()).choices[0].message.content);
  }
  return out;
};
