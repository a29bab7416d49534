// Entry for `node --import fast-litellm/register`. Asks the CommonJS config (the one settings table:
// environment and FAST_LITELLM_CONFIG file alike) whether to register the ESM loader hook, so apps that
// `import` the openai SDK's ESM build are reached too; then runs the CommonJS register, so an app mixing
// `import` and `require` shares one instance of fast-litellm.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
let cfg;
try {
  cfg = require('../cjs/config.js').getConfig();
} catch {
  // An invalid setting: register.js below reports it and stops startup.
}
if (cfg !== undefined && !cfg.disabled && cfg.esmHook !== 'off' && typeof register === 'function') {
  try {
    register('import-in-the-middle/hook.mjs', import.meta.url, { data: { include: ['openai', 'litellm'] } });
    globalThis[Symbol.for('fast-litellm.esm-hook')] = true;
  } catch (err) {
    const why = `ESM loader hook not registered (${err.message}); CommonJS patching still applies`;
    process.stderr.write(`fast-litellm: ${why}\n`);
  }
}
require('../cjs/register.js');
