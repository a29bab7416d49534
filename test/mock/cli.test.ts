// `fast-litellm mock-server` in a child process: listens, answers, stops on SIGINT with a summary.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

describe('fast-litellm mock-server CLI', () => {
  it('serves until SIGINT, then prints what it served and exits 0', async () => {
    const child = spawn(tsx, [join(root, 'src/cli/main.ts'), 'mock-server', '--port', '0', '--reply-tokens', '3'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const body = await fetch(url + '/v1/chat/completions', { method: 'POST', body: '{"messages":[]}' }).then((r) => r.json() as Promise<any>);
    expect(body.usage.completion_tokens).toBe(3);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
    expect(out).toContain('served 1 requests on 1 connections');
  }, 30_000);

  it('rejects a bad option with one line and exit 1', async () => {
    const child = spawn(tsx, [join(root, 'src/cli/main.ts'), 'mock-server', '--fail-rate', '3'], { cwd: root });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err.trim().split('\n').filter((l) => !l.startsWith('npm warn'))).toEqual([
      'fast-litellm: startMockServer: failRate: invalid value 3; accepted: a number from 0 to 1',
    ]);
  }, 30_000);
});
