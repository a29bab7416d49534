import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const root = join(__dirname, '..', '..');
export const RUNNER = join(__dirname, 'litellm-suite', 'runner.js');

export interface TestLine {
  file: string;
  id: string;
  name: string;
  pass: boolean;
  error: string | null;
}

export interface SuiteRun {
  tests: TestLine[];
  /** Per file: { file, done, tests, unhandled } or { file, crash, error }. */
  files: Record<string, unknown>[];
  stderr: string;
  code: number | null;
}

/**
 * `node <nodeArgs> runner.js <fixtures>` from the repository root; resolves whatever the exit code
 * (a failing test exits 1, and that is data here), rejects only when killed at timeoutMs.
 */
export function runSuite(
  nodeArgs: string[],
  env: NodeJS.ProcessEnv,
  fixtures: string[] = [],
  timeoutMs = 150_000,
): Promise<SuiteRun> {
  return new Promise((resolve, reject) => {
    const env2 = { ...process.env, NODE_OPTIONS: '', ...env };
    const child = spawn(process.execPath, [...nodeArgs, RUNNER, ...fixtures], { cwd: root, env: env2 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') {
        return reject(new Error(`runner ${nodeArgs.join(' ')} killed after ${timeoutMs} ms: ${stderr}`));
      }
      const lines = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({
        tests: lines.filter((l) => typeof l.id === 'string') as unknown as TestLine[],
        files: lines.filter((l) => typeof l.id !== 'string'),
        stderr,
        code,
      });
    });
  });
}
