// A bar on a terminal, plain lines in CI or when piped (a bar there only fills logs with redraws).
import cliProgress from 'cli-progress';
import type { RowResult } from './result';

export interface Progress {
  start(total: number): void;
  row(id: string): void;
  tick(label?: string): void;
  /** One row finished; it may have produced several result lines. */
  done(lines: string[], results?: RowResult[]): void;
  log(line: string): void;
  stop(): void;
}

export function wantBar(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv, ci: boolean): boolean {
  return Boolean(stream.isTTY) && !ci && env.CI !== 'true' && env.CI !== '1';
}

export function plainProgress(write: (s: string) => void): Progress {
  let i = 0;
  let total = 0;
  return {
    start(t) {
      total = t;
    },
    row() {},
    tick() {},
    done(lines) {
      i++;
      for (const line of lines) write(`[${i}/${total}] ${line}\n`);
    },
    log(line) {
      write(line + '\n');
    },
    stop() {},
  };
}

export function barProgress(): Progress {
  const multi = new cliProgress.MultiBar(
    {
      format: ' {bar} {value}/{total} rows | {row} {label}',
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  // The bar's own redraw timer cannot fire while a row keeps the loop busy timing synchronous
  // calls, and MultiBar only writes logged lines on a redraw: redraw ourselves on every event.
  const redraw = () => (multi as unknown as { update(): void }).update();
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  let ticks = 0;
  return {
    start(total) {
      bar = multi.create(total, 0, { row: '', label: '' });
    },
    row(id) {
      current = id;
      ticks = 0;
      bar?.update({ row: id, label: '' });
      redraw();
    },
    tick(label) {
      ticks++;
      bar?.update({ row: current, label: label ?? `·${ticks}` });
      redraw();
    },
    done(lines) {
      for (const line of lines) multi.log(line + '\n');
      bar?.increment(1, { row: current, label: '' });
      redraw();
    },
    log(line) {
      multi.log(line + '\n');
      redraw();
    },
    stop() {
      redraw();
      multi.stop();
    },
  };
}
