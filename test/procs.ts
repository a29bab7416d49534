import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

// Several node children started together (tsx), released by one "go" on stdin, each answering one JSON
// line, then waited for; killed if still there at the end.

const ROOT = join(__dirname, '..');

function lineReader(p: ChildProcess): () => Promise<string> {
  let buf = '';
  const waiters: ((l: string) => void)[] = [];
  const lines: string[] = [];
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
  return () => {
    const l = lines.shift();
    return l !== undefined ? Promise.resolve(l) : new Promise<string>((resolve) => waiters.push(resolve));
  };
}

/** Starts `count` children of `script` (tsx), waits for each to print "ready", says go, returns their JSON lines. */
export async function runTogether<T>(count: number, script: string, args: string[]): Promise<T[]> {
  const procs = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
      cwd: ROOT,
    }));
  try {
    const next = procs.map(lineReader);
    const ready = await Promise.all(next.map((n) => n()));
    if (ready.some((l) => l !== 'ready')) throw new Error(`a child did not get ready: ${JSON.stringify(ready)}`);
    const answers = next.map((n) => n());
    for (const p of procs) p.stdin!.end('go\n');
    const out = (await Promise.all(answers)).map((l) => JSON.parse(l) as T);
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    return out;
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  }
}
