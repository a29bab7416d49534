import { ConfigError, invalidMessage } from '../../errors';

// Value checks of the router config. Each bad value becomes one line in the package's message
// style ("<where>: invalid value <v>; accepted: <what>"); all lines of a config go out in one
// ConfigError, so a user fixes every problem in one pass.

export class Problems {
  readonly lines: string[] = [];

  add(where: string, value: unknown, accepted: string): undefined {
    this.lines.push(invalidMessage(where, value, accepted));
    return undefined;
  }

  line(text: string): void {
    this.lines.push(text);
  }

  throwIfAny(): void {
    if (this.lines.length === 0) return;
    const head = this.lines.length === 1 ? '' : `router config: ${this.lines.length} problems\n`;
    throw new ConfigError(head + this.lines.join('\n'));
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A number, or a numeric string (YAML writes 1e-6 as a string). */
function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export interface NumRule {
  min: number;
  /** min itself is excluded (a timeout of 0). */
  exclusive?: boolean;
  integer?: boolean;
}

function accepted(rule: NumRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  return `${kind} ${rule.exclusive ? '>' : '>='} ${rule.min}`;
}

/** undefined and null mean "not set". */
export function num(p: Problems, where: string, v: unknown, rule: NumRule): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = numeric(v);
  const ok = n !== undefined && Number.isFinite(n) && (rule.exclusive ? n > rule.min : n >= rule.min)
    && (!rule.integer || Number.isInteger(n));
  return ok ? n : p.add(where, v, accepted(rule));
}

export function bool(p: Problems, where: string, v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  return p.add(where, v, 'true or false');
}

export function str(p: Problems, where: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' && v !== '' ? v : p.add(where, v, 'a non-empty string');
}

/** A list of model group names; a lone string is a list of one. */
export function names(p: Problems, where: string, v: unknown): string[] | undefined {
  if (typeof v === 'string' && v !== '') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '')) return v as string[];
  return p.add(where, v, 'a list of model group names');
}

/** LiteLLM's fallbacks shape: [{ "<group>": ["<group>", ...] }, ...], one key per item. */
export function fallbackList(p: Problems, where: string, v: unknown): Record<string, string[]>[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return p.add(where, v, 'a list of { <model group>: [<fallback groups>] }');
  const out: Record<string, string[]>[] = [];
  v.forEach((item, i) => {
    if (!isObject(item) || Object.keys(item).length !== 1) {
      p.add(`${where}[${i}]`, item, 'an object with exactly one key, { <model group>: [<fallback groups>] }');
      return;
    }
    const key = Object.keys(item)[0];
    const list = names(p, `${where}[${i}].${key}`, item[key]);
    if (list) out.push({ [key]: list });
  });
  return out;
}

/** An object whose every key is one of `fields`, each an integer >= 0. */
export function countsObject<T>(p: Problems, where: string, v: unknown, fields: readonly string[]): T | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return p.add(where, v, `an object of ${fields.join(', ')}`);
  const out: Record<string, number> = {};
  for (const k of Object.keys(v)) {
    if (!fields.includes(k)) {
      p.add(`${where}.${k}`, k, fields.join(', '));
      continue;
    }
    const n = num(p, `${where}.${k}`, v[k], { min: 0, integer: true });
    if (n !== undefined) out[k] = n;
  }
  return out as T;
}
