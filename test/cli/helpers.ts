import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';

export const root = join(__dirname, '..', '..');

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** `fast-litellm ...argv` in-process with captured output. */
export async function cli(argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** The environment without any FAST_LITELLM_* setting of the developer's shell. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FAST_LITELLM_')));
  return { ...env, ...extra };
}

/**
 * A user's project in a temporary directory: package.json and node_modules entries linked to this
 * checkout's copies (`fast-litellm` -> the repository itself, so its dist/ is what --import loads).
 */
export function project(links: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fast-litellm-project-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  mkdirSync(join(dir, 'node_modules'));
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(dir, 'node_modules', name), 'dir');
  return dir;
}
