'use strict';
// A small app under a config file (FAST_LITELLM_CONFIG, which only the shim reads): one Ollama
// completion, or `calls` ([model, n] pairs, tallied) when the file sets limits; and whether the
// file's keys reached Object.prototype.
module.exports = async (t) => {
  const litellm = t.litellm();
  const messages = [{ role: 'user', content: 'hi' }];
  const out = {};
  if (t.params.calls) {
    out.calls = Object.create(null); // model names as written, __proto__ included
    for (const [model, n] of t.params.calls) {
      const outcomes = [];
      const call = () => t.outcome(() => litellm.completion({ model, baseUrl: t.mock, messages }));
      for (let i = 0; i < n; i++) outcomes.push(await call());
      out.calls[model] = t.tally(outcomes);
    }
  } else {
    out.whole = await t.outcome(async () => (await litellm.completion({ model: 'ollama/llama2', baseUrl: t.mock, messages })).choices[0].message.content);
  }
  out.prototype = Object.getOwnPropertyNames(Object.prototype).length;
  out.polluted = ['rpm', 'disabled', 'x', 'models'].filter((k) => k in {});
  return out;
};
