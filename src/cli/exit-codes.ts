// Exit codes of every command, in one table: the help of each command and README list these.

export const EXIT = Object.freeze({
  ok: 0,
  /** A usage error (unknown command or option, bad value), a problem `doctor` found, or a failed run. */
  failure: 1,
  /** profile: the gateway could not be reached. */
  unreachable: 2,
  /** Ctrl-C: the partial summary was printed. */
  interrupted: 130,
});

const MEANING: Record<keyof typeof EXIT, string> = {
  ok: 'success',
  failure: 'usage error, a problem found (doctor), or a failed run',
  unreachable: 'the gateway could not be reached (profile)',
  interrupted: 'interrupted by Ctrl-C (profile: after printing the partial summary)',
};

/** The exit codes a command can end with, as a help paragraph. */
export function exitCodesText(which: ReadonlyArray<keyof typeof EXIT> = ['ok', 'failure', 'unreachable', 'interrupted']): string {
  return ['Exit codes:', ...which.map((k) => `  ${String(EXIT[k]).padEnd(4)} ${MEANING[k]}`)].join('\n');
}
