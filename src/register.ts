import Module from 'node:module';
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
  // `auto` hooks ESM imports only where Node runs the hook in-thread (module.registerHooks, 22.15+).
  // On Node 20 the only hook is module.register's loaders thread, which costs ~120 ms of start-up and
  // runs the app's -r preloads a second time there (one that throws in worker threads crashes Node).
  const inThread = typeof (Module as { registerHooks?: unknown }).registerHooks === 'function';
  const esm = cfg.esmHook === 'on' || (cfg.esmHook === 'auto' && viaImport && inThread);
  if (cfg.disabled) {
    info('disabled (FAST_LITELLM_DISABLE or the config file); nothing is patched');
  } else {
    applyAcceleration({ esm });
    const esmNote = viaImport && !esm && cfg.esmHook === 'auto' ? '; ESM imports of openai not hooked on this Node (FAST_LITELLM_ESM_HOOK=on to hook them)' : '';
    info(`active; features ${featureLine()}${cfg.source.file === undefined ? '' : `; config ${cfg.source.file}`}${esmNote}`);
  }
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`fast-litellm: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
