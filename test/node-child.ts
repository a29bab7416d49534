import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

/**
 * Builds dist/ only when it is missing (`make test` builds first). Never rebuilds it: `make build`
 * deletes dist/, which would pull it from under child processes of test files running alongside.
 */
export function ensureBuilt(): void {
  if (!existsSync(join(root, 'dist', 'esm', 'register.mjs'))) execFileSync('make', ['build'], { cwd: root, stdio: 'ignore' });
}

/**
 * Runs `node ...args` from the repository root (async: a mock server in this process must keep
 * answering) and parses the last stdout line as JSON. Rejects on a non-zero exit; killed at timeoutMs.
 * `node`: another Node binary (test/openai/node-versions.ts).
 */
export function runNode(
  args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000, node = process.execPath,
): Promise<{ out: any; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { cwd: root, env: { ...process.env, NODE_OPTIONS: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`));
      try {
        resolve({ out: JSON.parse(stdout.trim().split('\n').pop()!), stderr });
      } catch {
        reject(new Error(`node ${args.join(' ')} printed no JSON line: ${stdout.slice(-500)} ${stderr.slice(-500)}`));
      }
    });
  });
}
