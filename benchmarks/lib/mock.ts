// Starts the embedded mock server in a child process (benchmarks/lib/mock-child.ts) and returns its
// URL. Returns null when src/mock is not there, so rows without HTTP still run.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface MockHandle {
  url: string;
  pid: number;
  close(): Promise<void>;
}

export function mockAvailable(root: string): boolean {
  const dir = path.join(root, 'src', 'mock');
  return existsSync(path.join(dir, 'index.ts')) || existsSync(path.join(dir, 'index.js'));
}

export function startMockChild(
  root: string,
  options: Record<string, unknown> = {},
  timeoutMs = 20_000,
): Promise<MockHandle> {
  const script = path.join(root, 'benchmarks', 'lib', 'mock-child.ts');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`mock server did not start within ${timeoutMs} ms: ${err.trim()}`));
    }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        const { url } = JSON.parse(out.slice(0, nl)) as { url: string };
        // Started: from now on the child must not keep the parent alive.
        child.unref();
        for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
        resolve({
          url,
          pid: child.pid!,
          close: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.ref();
              child.stdin!.end();
              setTimeout(() => child.kill('SIGTERM'), 3000).unref();
            }),
        });
      } catch {
        child.kill('SIGTERM');
        reject(new Error(`mock server printed an unexpected line: ${out.slice(0, nl)}`));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mock server exited with ${code}: ${err.trim()}`));
    });
  });
}
