// A tiny argv parser: `--name value`, `--name=value`, boolean `--flag`, lists (`--models a b c` or
// `--sweep 1,2,5`), and exact messages for unknown or bad options.

export type OptKind = 'string' | 'number' | 'int' | 'boolean' | 'list';

export interface OptSpec {
  kind: OptKind;
  /** Help text, one line. */
  help: string;
  default?: unknown;
  /** Placeholder in the help, e.g. 'file'. */
  arg?: string;
}

export class UsageError extends Error {
  readonly code = 'FAST_LITELLM_USAGE';
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function parseArgs(argv: string[], spec: Record<string, OptSpec>): { opts: Record<string, any>; positionals: string[] } {
  const opts: Record<string, any> = {};
  const positionals: string[] = [];
  for (const [name, s] of Object.entries(spec)) if (s.default !== undefined) opts[camel(name)] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`);
    const key = camel(name);
    if (s.kind === 'boolean') {
      if (eq !== -1) {
        const v = arg.slice(eq + 1);
        if (v !== 'true' && v !== 'false') throw new UsageError(`--${name} takes no value or true|false, got ${v}`);
        opts[key] = v === 'true';
      } else opts[key] = true;
      continue;
    }
    if (s.kind === 'list') {
      const items: string[] = [];
      if (eq !== -1) items.push(arg.slice(eq + 1));
      else while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) items.push(argv[++i]);
      const list = items.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
      if (list.length === 0) throw new UsageError(`--${name} needs at least one value`);
      opts[key] = list;
      continue;
    }
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
      value = argv[++i];
    }
    if (s.kind === 'string') opts[key] = value;
    else {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || (s.kind === 'int' && !Number.isInteger(n)) || n < 0) {
        throw new UsageError(`--${name} must be a ${s.kind === 'int' ? 'non-negative integer' : 'non-negative number'}, got ${value}`);
      }
      opts[key] = n;
    }
  }
  return { opts, positionals };
}

export function helpText(usage: string, spec: Record<string, OptSpec>): string {
  const lines = [usage, '', 'Options:'];
  for (const [name, s] of Object.entries(spec)) {
    const arg = s.kind === 'boolean' ? '' : ` <${s.arg ?? (s.kind === 'list' ? 'a,b,...' : s.kind === 'string' ? 'text' : 'n')}>`;
    const def = s.default !== undefined && s.kind !== 'boolean' ? ` (default ${Array.isArray(s.default) ? s.default.join(',') : s.default})` : '';
    lines.push(`  --${(name + arg).padEnd(26)} ${s.help}${def}`);
  }
  return lines.join('\n');
}
