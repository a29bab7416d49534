import { profileCommand } from '../../src/cli/profile';
import type { IO } from '../../src/cli/profile/context';

export interface Run {
  code: number;
  out: string;
  err: string;
  doc: any;
}

/** Runs `fast-litellm profile ...` in-process with captured output; `interrupt` fires the Ctrl-C handler. */
export async function profile(argv: string[], o: { isTTY?: boolean; interruptAfterMs?: number } = {}): Promise<Run> {
  let out = '';
  let err = '';
  let handler: (() => void) | undefined;
  const io: IO = {
    out: (s) => (out += s),
    err: (s) => (err += s),
    isTTY: o.isTTY ?? false,
    onInterrupt(fn) {
      handler = fn;
      return () => (handler = undefined);
    },
  };
  if (o.interruptAfterMs !== undefined) setTimeout(() => handler?.(), o.interruptAfterMs);
  const code = await profileCommand(argv, io);
  let doc: any;
  if (argv.includes('--json')) doc = JSON.parse(out);
  return { code, out, err, doc };
}

/** Bounds of a binomial count at `sd` standard deviations. */
export function binomialBounds(n: number, p: number, sd = 4): [number, number] {
  const s = Math.sqrt(n * p * (1 - p));
  return [n * p - sd * s, n * p + sd * s];
}
