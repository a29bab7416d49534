// A tiny argv parser: `--name value`, `--name=value`, boolean `--flag`, lists (`--models a b c` or
// `--sweep 1,2,5`), `-h` for `--help`, exact messages (with a suggestion) for unknown or bad options,
// and the help text every command prints in one layout.
import { didYouMean } from './suggest';

/** Where a command writes (process stdout/stderr, or a capture in tests). */
export interface Out {
  out(s: string): void;
  err(s: string): void;
}

export const stdio: Out = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export type OptKind = 'string' | 'number' | 'int' | 'boolean' | 'list';

export interface OptSpec {
  kind: OptKind;
  /** Help text, one line; the same wording wherever the same option appears. */
  help: string;
  default?: OptValue;
  /** Shown as the default in the help when the value is computed elsewhere (not set by the parser). */
  shownDefault?: string;
  /** Placeholder in the help, e.g. 'file'. */
  arg?: string;
}

export class UsageError extends Error {
  readonly code = 'FAST_LITELLM_USAGE';
  /** The command whose help the error points to ('profile latency'), if any. */
  readonly command?: string;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The value parseArgs gives an option of each kind. */
interface KindValue {
  string: string;
  number: number;
  int: number;
  boolean: boolean;
  list: string[];
}
type OptValue = KindValue[OptKind];
/** 'max-tokens' -> 'maxTokens', as `camel` names the parsed options. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type ValueOf<O extends OptSpec | undefined> = KindValue[NonNullable<O>['kind']];
/** The keys of a spec whose options have a default (an option that may be absent from the spec has none). */
type WithDefault<S> = { [K in keyof S]: S[K] extends { default: OptValue } ? K : never }[keyof S];

/**
 * The options parseArgs returns for a spec (declared with `satisfies Record<string, OptSpec>`, so
 * that kinds and defaults are known): each under its camelCase name, always set when it has a default.
 */
export type ParsedOpts<S extends Record<string, OptSpec>> = {
  [K in WithDefault<S> & string as Camel<K>]: ValueOf<S[K]>;
} & {
  [K in Exclude<keyof S, WithDefault<S>> & string as Camel<K>]?: ValueOf<S[K]>;
};

export function parseArgs<S extends Record<string, OptSpec>>(
  argv: string[],
  spec: S,
  command?: string,
): { opts: ParsedOpts<S>; positionals: string[] } {
  const opts: Record<string, OptValue> = {};
  const positionals: string[] = [];
  const fail = (message: string) => new UsageError(message, command);
  for (const [name, s] of Object.entries(spec)) if (s.default !== undefined) opts[camel(name)] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' && spec.help) {
      opts.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const s = spec[name];
    if (!s) throw fail(`unknown option --${name}${didYouMean(name, Object.keys(spec), '--')}`);
    const key = camel(name);
    if (s.kind === 'boolean') {
      if (eq !== -1) {
        const v = arg.slice(eq + 1);
        if (v !== 'true' && v !== 'false') throw fail(`--${name} takes no value or true|false, got ${v}`);
        opts[key] = v === 'true';
      } else opts[key] = true;
      continue;
    }
    if (s.kind === 'list') {
      const items: string[] = [];
      if (eq !== -1) items.push(arg.slice(eq + 1));
      else while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) items.push(argv[++i]);
      const list = items.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
      if (list.length === 0) throw fail(`--${name} needs at least one value`);
      opts[key] = list;
      continue;
    }
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw fail(`--${name} needs a value`);
      value = argv[++i];
    }
    if (s.kind === 'string') opts[key] = value;
    else {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || (s.kind === 'int' && !Number.isInteger(n)) || n < 0) {
        throw fail(`--${name} must be a ${s.kind === 'int' ? 'non-negative integer' : 'non-negative number'}, got ${value}`);
      }
      opts[key] = n;
    }
  }
  return { opts: opts as ParsedOpts<S>, positionals };
}

export interface CommandHelp {
  /** 'fast-litellm profile latency [options]' (without 'Usage: '). */
  usage: string;
  /** One or two sentences: what the command does. */
  summary: string;
  /** Command lines, each optionally followed by '  # comment'. */
  examples: string[];
  /** Extra paragraphs after the options (what is measured, notes). */
  notes?: string[];
}

function defaultText(s: OptSpec): string {
  if (s.shownDefault !== undefined) return ` (default: ${s.shownDefault})`;
  if (s.default === undefined || s.kind === 'boolean') return '';
  return ` (default: ${Array.isArray(s.default) ? s.default.join(',') : String(s.default)})`;
}

function placeholder(s: OptSpec): string {
  if (s.kind === 'boolean') return '';
  return ` <${s.arg ?? (s.kind === 'list' ? 'a,b,...' : s.kind === 'string' ? 'text' : 'n')}>`;
}

/** Options as an aligned two-column list; `--help` always last, as `-h, --help`. */
export function optionLines(spec: Record<string, OptSpec>): string[] {
  const entries = Object.entries(spec).sort(([a], [b]) => Number(a === 'help') - Number(b === 'help'));
  const left = entries.map(([name, s]) => (name === 'help' ? '-h, --help' : `--${name}${placeholder(s)}`));
  const width = Math.min(34, Math.max(...left.map((l) => l.length)));
  return entries.map(([, s], i) => {
    const l = left[i];
    const text = `${s.help}${defaultText(s)}`;
    return l.length > width ? `  ${l}\n  ${' '.repeat(width)}  ${text}` : `  ${l.padEnd(width)}  ${text}`;
  });
}

export function exampleLines(examples: string[]): string[] {
  const split = examples.map((e) => {
    const i = e.indexOf('  # ');
    return i === -1 ? [e, ''] : [e.slice(0, i), e.slice(i + 2)];
  });
  const width = Math.max(...split.filter(([, c]) => c).map(([cmd]) => cmd.length), 0);
  return split.map(([cmd, c]) => (c ? `  ${cmd.padEnd(width)}  ${c}` : `  ${cmd}`));
}

export function helpText(help: CommandHelp, spec: Record<string, OptSpec>, exitCodes: string): string {
  const out = [`Usage: ${help.usage}`, '', help.summary, '', 'Options:', ...optionLines(spec)];
  out.push('', 'Examples:', ...exampleLines(help.examples));
  for (const n of help.notes ?? []) out.push('', n);
  out.push('', exitCodes);
  return out.join('\n');
}
