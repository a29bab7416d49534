import { getConfig } from './config';

// One line per distinct message: the shim must not flood a host app's stderr.
const said = new Set<string>();
const LEVELS = { silent: 0, warn: 1, info: 2, debug: 3 } as const;

function level(): number {
  try {
    return LEVELS[getConfig().logLevel];
  } catch {
    return LEVELS.warn;
  }
}

export function warnOnce(message: string): void {
  if (said.has(message) || level() < LEVELS.warn) return;
  said.add(message);
  process.stderr.write(`fast-litellm: ${message}\n`);
}

/** What the shim found and did: one line per distinct message, at FAST_LITELLM_LOG_LEVEL=info or debug. */
export function info(message: string): void {
  if (said.has(message) || level() < LEVELS.info) return;
  said.add(message);
  process.stderr.write(`fast-litellm: ${message}\n`);
}

export function debug(message: string): void {
  if (level() >= LEVELS.debug) process.stderr.write(`fast-litellm: ${message}\n`);
}
