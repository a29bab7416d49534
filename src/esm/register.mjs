// Entry for `node --import fast-litellm/register`. Registers the ESM loader hook (so apps that
// `import` the openai SDK's ESM build are reached too), then runs the CommonJS register, so an app
// mixing `import` and `require` shares one instance of fast-litellm.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const env = process.env;
const off = (v) => v !== undefined && /^(1|true)$/i.test(v);
if (!off(env.FAST_LITELLM_DISABLE) && env.FAST_LITELLM_ESM_HOOK !== 'off' && typeof register === 'function') {
  try {
    register('import-in-the-middle/hook.mjs', import.meta.url, { data: { include: ['openai', 'litellm'] } });
    globalThis[Symbol.for('fast-litellm.esm-hook')] = true;
  } catch (err) {
    process.stderr.write(`fast-litellm: ESM loader hook not registered (${err.message}); CommonJS patching still applies\n`);
  }
}
require('../cjs/register.js');
