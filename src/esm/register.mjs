// Entry for `node --import fast-litellm/register`. Asks the CommonJS config (the one settings table:
// environment and FAST_LITELLM_CONFIG file alike) whether to reach the SDKs' ESM builds too; the
// CommonJS register then installs the ESM load hook (module.registerHooks in-thread where Node has
// it, else module.register), so an app mixing `import` and `require` shares one instance of fast-litellm.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let cfg;
try {
  cfg = require('../cjs/config.js').getConfig();
} catch {
  // An invalid setting: register.js below reports it and stops startup.
}
if (cfg !== undefined && !cfg.disabled && cfg.esmHook !== 'off') globalThis[Symbol.for('fast-litellm.esm-hook')] = true;
require('../cjs/register.js');
