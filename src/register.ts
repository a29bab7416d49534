import { ConfigError, getConfig } from './config';
import { applyAcceleration } from './api';
import { info } from './log';
import { getFeatureStatus } from './shims/features';

/** 'on: token_counting, ...; off: rate_limiting' for the start-up line. */
function featureLine(): string {
  const by = new Map<string, string[]>();
  for (const [name, s] of Object.entries(getFeatureStatus())) by.set(s.mode, [...(by.get(s.mode) ?? []), name]);
  return [...by].map(([mode, names]) => `${mode}: ${names.join(', ')}`).join('; ');
}

// Entry for `node -r fast-litellm/register` (and, through register.mjs, `--import`).
// A bad configuration stops the process at startup with one clear line, before the app runs.
try {
  const cfg = getConfig();
  const viaImport = (globalThis as Record<symbol, unknown>)[Symbol.for('fast-litellm.esm-hook')] === true;
  if (cfg.disabled) {
    info('disabled (FAST_LITELLM_DISABLE or the config file); nothing is patched');
  } else {
    applyAcceleration({ esm: viaImport || cfg.esmHook === 'on' });
    info(`active; features ${featureLine()}${cfg.source.file === undefined ? '' : `; config ${cfg.source.file}`}`);
  }
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`fast-litellm: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
