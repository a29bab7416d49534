'use strict';
// Token counts on the worker path while the workers fail (the row's preload): shimmed through
// fast-litellm's public countTokensAsync / countTokensBatch (nothing in litellm reaches the workers),
// plain through litellm's own countTokens (js-tiktoken), the counts a user had before. One count,
// a batch, then another count after the failures.
const path = require('node:path');

const WORDS = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'token', 'stream', 'naïve', 'café',
  '数据', 'Ünïcödé', '42', '3.14', 'e-mail', "don't", '\n', '  ', '—', '😀'];

function text(n, seed) {
  let x = seed;
  const out = [];
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]);
  }
  return out.join(' ');
}

module.exports = async (t) => {
  const texts = [text(t.params.words ?? 40_000, 1), text(20_000, 2), 'hello world'];
  let count;
  let batch;
  if (t.shimmed) {
    const fl = require('fast-litellm');
    count = (s) => fl.countTokensAsync(s);
    batch = (xs) => fl.countTokensBatch(xs);
  } else {
    const litellm = path.dirname(require.resolve('litellm/package.json', { paths: [process.cwd()] }));
    const { countTokens } = require(path.join(litellm, 'dist', 'src', 'utils', 'toUsage.js'));
    count = async (s) => countTokens(s);
    batch = async (xs) => xs.map((s) => countTokens(s));
  }
  return {
    one: await t.outcome(() => count(texts[0]), 'count', 40_000),
    batch: await t.outcome(() => batch(texts), 'batch', 40_000),
    again: await t.outcome(() => count(texts[1]), 'count again', 40_000),
  };
};
