import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

// Several node children of one fixture (run with tsx), released together by "go" on stdin, each
// answering one JSON line; killed if still there at the end.

const ROOT = join(__dirname, '..', '..');

function nextLine(p: ChildProcess): () => Promise<string> {
  let buf = '';
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  p.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  return () => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((resolve) => waiters.push(resolve)));
}

export async function runTogether<T>(count: number, fixture: string, args: string[]): Promise<T[]> {
  const procs = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', fixture), ...args], { stdio: ['pipe', 'pipe', 'inherit'], cwd: ROOT }));
  try {
    const next = procs.map(nextLine);
    const ready = await Promise.all(next.map((n) => n()));
    if (ready.some((l) => l !== 'ready')) throw new Error(`a child did not get ready: ${JSON.stringify(ready)}`);
    const answers = next.map((n) => n());
    for (const p of procs) p.stdin!.write('go\n');
    return (await Promise.all(answers)).map((l) => JSON.parse(l) as T);
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  }
}
