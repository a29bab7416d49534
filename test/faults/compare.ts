import { isDeepStrictEqual } from 'node:util';

// Result comparison for the fault matrix: deep equality with the named keys left out, partial
// expectations, and the first differing paths for the report.

export type Check =
  | ((value: any) => true | string) | Record<string, unknown> | unknown[] | string | number | boolean | null;

/** A copy of `value` without the dotted paths of `keys` (`a.b` removes `value.a.b`). */
export function omit(value: unknown, keys: string[]): unknown {
  if (keys.length === 0 || value === null || typeof value !== 'object') return value;
  const copy = structuredClone(value) as Record<string, any>;
  for (const key of keys) {
    const parts = key.split('.');
    let at: any = copy;
    for (let i = 0; i < parts.length - 1 && at !== null && typeof at === 'object'; i++) at = at[parts[i]];
    if (at !== null && typeof at === 'object') delete at[parts[parts.length - 1]];
  }
  return copy;
}

export function pick(value: unknown, key: string): unknown {
  let at: any = value;
  for (const part of key.split('.')) at = at === null || typeof at !== 'object' ? undefined : at[part];
  return at;
}

/** Up to `limit` paths where a and b differ, with both values (shortened). */
export function diffs(a: unknown, b: unknown, limit = 4, path = '', out: string[] = []): string[] {
  if (out.length >= limit || isDeepStrictEqual(a, b)) return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of keys) diffs((a as any)[k], (b as any)[k], limit, path ? `${path}.${k}` : k, out);
    return out;
  }
  out.push(`${path || '(root)'}: ${short(a)} vs ${short(b)}`);
  return out;
}

export function short(v: unknown, max = 160): string {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** true, or why `value` does not satisfy `spec` (a predicate, a partial object, or an exact value). */
export function check(value: unknown, spec: Check, path = ''): true | string {
  if (typeof spec === 'function') {
    const r = spec(value);
    return r === true ? true : `${path || 'value'}: ${r}`;
  }
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    if (value === null || typeof value !== 'object') return `${path || 'value'}: ${short(value)} is not an object`;
    for (const [k, s] of Object.entries(spec)) {
      const r = check((value as any)[k], s as Check, path ? `${path}.${k}` : k);
      if (r !== true) return r;
    }
    return true;
  }
  return isDeepStrictEqual(value, spec) ? true : `${path || 'value'}: ${short(value)}, expected ${short(spec)}`;
}

/** Multiset difference: the entries of `a` not matched by one of `b`. */
export function extra(a: string[], b: string[]): string[] {
  const left = [...b];
  const out: string[] = [];
  for (const x of a) {
    const i = left.indexOf(x);
    if (i >= 0) left.splice(i, 1);
    else out.push(x);
  }
  return out;
}
