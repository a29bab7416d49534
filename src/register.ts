import { ConfigError, getConfig } from './config';
import { applyAcceleration } from './api';

// Entry for `node -r fast-litellm/register` (and, through register.mjs, `--import`).
// A bad configuration stops the process at startup with one clear line, before the app runs.
try {
  const cfg = getConfig();
  const viaImport = (globalThis as Record<symbol, unknown>)[Symbol.for('fast-litellm.esm-hook')] === true;
  if (!cfg.disabled) applyAcceleration({ esm: viaImport || cfg.esmHook === 'on' });
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`fast-litellm: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
