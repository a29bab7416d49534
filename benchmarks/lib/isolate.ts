// Each rows file runs in its own child process: what one area leaves behind (patched modules,
// a million rate-limit keys on the heap, timers, sockets) cannot slow down or speed up the next
// area's measurements, and a row stuck in a synchronous loop can be killed for real.
// Child -> parent protocol: lines '@@bench <json>' on stdout; anything else is the rows' own output.
import { spawn } from 'node:child_process';
import type { Progress } from './progress';
import type { RowMeta, RowResult } from './result';

export const MARK = '@@bench ';


export type ChildEvent =
  | { t: 'list'; files: { file: string; rows: RowMeta[] }[]; broken: { file: string; error: string }[] }
  | { t: 'row'; id: string }
  | { t: 'tick'; label?: string }
  | { t: 'log'; line: string }
  | { t: 'done'; lines: string[]; results: RowResult[] }
  | { t: 'end'; broken: { file: string; error: string }[] };

export function emit(ev: ChildEvent): void {
  process.stdout.write(MARK + JSON.stringify(ev) + '\n');
}

/** The Progress a child hands to the row loop: every event goes to the parent. */
export function childProgress(): Progress {
  return {
    start() {},
    row: (id) => emit({ t: 'row', id }),
    tick: (label) => emit({ t: 'tick', label }),
    done: (lines, results) => emit({ t: 'done', lines, results: results ?? [] }),
    log: (line) => emit({ t: 'log', line }),
    stop() {},
  };
}

export interface ChildRun {
  results: RowResult[];
  broken: { file: string; error: string }[];
  /** Set when the child died or was killed before its 'end' event. */
  crash?: string;
}

export interface SpawnOptions {
  script: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Kill the child when it says nothing for this long (a row stuck in a synchronous loop). */
  silenceMs: number;
}

export function runChild(o: SpawnOptions, progress: Progress, onEvent?: (ev: ChildEvent) => void): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', o.script, ...o.args], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: ChildRun = { results: [], broken: [] };
    let ended = false;
    let buf = '';
    let errTail = '';
    let killedWhy: string | undefined;
    let watchdog: NodeJS.Timeout;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        killedWhy = `no progress for ${Math.round(o.silenceMs / 1000)} s, worker killed`;
        child.kill('SIGKILL');
      }, o.silenceMs);
    };
    arm();
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith(MARK)) continue;
        arm();
        const ev = JSON.parse(line.slice(MARK.length)) as ChildEvent;
        onEvent?.(ev);
        if (ev.t === 'row') progress.row(ev.id);
        else if (ev.t === 'tick') progress.tick(ev.label);
        else if (ev.t === 'log') progress.log(ev.line);
        else if (ev.t === 'done') {
          run.results.push(...ev.results);
          progress.done(ev.lines, ev.results);
        } else if (ev.t === 'end') {
          ended = true;
          run.broken = ev.broken;
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      errTail = (errTail + d.toString()).slice(-2000);
    });
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      if (!ended) {
        const tail = errTail.trim().split('\n').slice(-3).join(' | ');
        run.crash = killedWhy ?? `worker exited (${signal ?? code}) before finishing${tail ? ': ' + tail : ''}`;
      }
      resolve(run);
    });
  });
}
