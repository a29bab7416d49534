// This fast-litellm package: its root, version and Node range (from src/ via tsx, or from dist/cjs).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface Own {
  root: string;
  version: string;
  engines: string | undefined;
}

let cached: Own | undefined;

function own(): Own {
  if (cached) return cached;
  for (const up of ['..', '../..', '../../..', '../../../..']) {
    const root = resolve(__dirname, up);
    try {
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      if (pkg.name === 'fast-litellm') return (cached = { root, version: String(pkg.version), engines: pkg.engines?.node });
    } catch {
      /* next */
    }
  }
  return (cached = { root: resolve(__dirname, '../..'), version: 'unknown', engines: undefined });
}

export function version(): string {
  return own().version;
}

/** The Node range of package.json "engines" (e.g. '>=20.18.1'). */
export function nodeRange(): string | undefined {
  return own().engines;
}

/** Directory of this package's package.json. */
export function packageRoot(): string {
  return own().root;
}
