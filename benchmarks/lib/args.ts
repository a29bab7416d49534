// Command line of benchmarks/comprehensive.ts.
import { DEFAULT_TOLERANCE } from './stats';

export interface Args {
  quick: boolean;
  ci: boolean;
  only: string[];
  out: string;
  rowsDir: string | undefined;
  tolerance: number;
  /** Also write reports/latest.*; default: only for a full run of every row. */
  latest: boolean;
  list: boolean;
  help: boolean;
  /** A row still running after this is FAILED and the run moves on. */
  rowTimeoutMs: number;
  /** Run every rows file in this process instead of one child process per file. */
  inProcess: boolean;
  /** Internal: run only this rows file and report to the parent over stdout. */
  child?: string;
  /** Internal: list the selected rows per file for the parent. */
  childList: boolean;
}

export const USAGE = `usage: npx tsx benchmarks/comprehensive.ts [options]
  --quick            short timings (~2 min for every row)
  --only ID|GROUP ...  run these rows only (several words, commas or repeated --only); a group or id prefix works
  --ci               CI gate: exit 1 when a row is slower than its baseline beyond the tolerance
                     or an equality check fails (a suspected regression is re-measured once)
  --tolerance X      gate floor on speedup (default $BENCH_TOLERANCE or ${DEFAULT_TOLERANCE})
  --out DIR          report directory (default reports)
  --rows DIR         load rows from DIR instead of benchmarks/rows
  --latest / --no-latest   write reports/latest.* (default: only for a full run of every row)
  --row-timeout S    give up on a row after S seconds (default 300, 120 with --quick)
  --in-process       run every rows file in this process (default: one child process per file)
  --list             list the rows and exit`;

export class ArgError extends Error {
  readonly code = 'BENCH_ARGS';
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Args {
  const a: Args = {
    quick: false,
    ci: false,
    only: [],
    out: 'reports',
    rowsDir: undefined,
    tolerance: DEFAULT_TOLERANCE,
    latest: false,
    list: false,
    help: false,
    rowTimeoutMs: 0,
    inProcess: false,
    childList: false,
  };
  let rowTimeoutS: number | undefined;
  let latest: boolean | undefined;
  if (env.BENCH_TOLERANCE !== undefined && env.BENCH_TOLERANCE !== '') {
    a.tolerance = tolerance(env.BENCH_TOLERANCE, 'BENCH_TOLERANCE');
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new ArgError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick': a.quick = true; break;
      case '--ci': a.ci = true; break;
      case '--only': a.only.push(...value().split(',').map((s) => s.trim()).filter(Boolean)); break;
      case '--out': a.out = value(); break;
      case '--rows': a.rowsDir = value(); break;
      case '--tolerance': a.tolerance = tolerance(value(), '--tolerance'); break;
      case '--latest': latest = true; break;
      case '--no-latest': latest = false; break;
      case '--list': a.list = true; break;
      case '--in-process': a.inProcess = true; break;
      case '--child': a.child = value(); break;
      case '--child-list': a.childList = true; break;
      case '--row-timeout': {
        const v = value();
        rowTimeoutS = Number(v);
        if (!Number.isFinite(rowTimeoutS) || rowTimeoutS <= 0) throw new ArgError(`--row-timeout must be a positive number of seconds, got ${v}`);
        break;
      }
      case '-h': case '--help': a.help = true; break;
      default:
        // `--only tokens pool`: bare words after the options are more row selectors.
        if (!arg.startsWith('-') && a.only.length > 0) {
          a.only.push(...arg.split(',').map((s) => s.trim()).filter(Boolean));
          break;
        }
        throw new ArgError(`unknown option ${arg}`);
    }
  }
  a.rowTimeoutMs = (rowTimeoutS ?? (a.quick ? 120 : 300)) * 1000;
  a.latest = latest ?? (!a.quick && !a.ci && a.only.length === 0 && a.rowsDir === undefined);
  return a;
}

function tolerance(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new ArgError(`${name} must be a number in (0, 1], got ${v}`);
  return n;
}
