import { createHash } from 'node:crypto';

// Deployment ids the way LiteLLM's Router computes them when model_info.id is absent
// (router.py _generate_model_id): sha256 over the model_name followed by every litellm_params key
// and value, in the order given; strings as they are, dicts as Python's json.dumps writes them,
// anything else as Python's str() does. So one config names the same deployments in Python and Node.
// Known gap: JSON and YAML parsers here read 100.0 as 100, which Python prints as "100.0"; give
// such a deployment a model_info.id to be sure.

const HEX = '0123456789abcdef';

function hex4(code: number): string {
  return HEX[(code >> 12) & 15] + HEX[(code >> 8) & 15] + HEX[(code >> 4) & 15] + HEX[code & 15];
}

/** Python's repr() of a float (the 'short' repr: shortest round-trip digits). */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const [mant, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= -4 && exp < 16) {
    if (exp < 0) out = `0.${'0'.repeat(-exp - 1)}${digits}`;
    else if (digits.length > exp + 1) out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
    else out = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    out = `${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return neg ? `-${out}` : out;
}

/** A number as Python holds it after a YAML/JSON load: integral values are ints (see the gap above). */
function pyNumber(x: number): string {
  return Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER ? String(x) : pyFloat(x);
}

/** Python's json.dumps() with its defaults (ensure_ascii, ', ' and ': ' separators). */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return pyNumber(v);
  }
  if (typeof v === 'string') return jsonString(v);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (typeof v === 'object') {
    const parts = Object.keys(v).map((k) => `${jsonString(k)}: ${pyJsonDumps((v as Record<string, unknown>)[k])}`);
    return `{${parts.join(', ')}}`;
  }
  return jsonString(String(v));
}

function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${hex4(c)}`;
    else out += s[i];
  }
  return `${out}"`;
}

/** Python's repr() of a str: single quotes unless the text holds ' and no ". */
function pyReprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${HEX[c >> 4]}${HEX[c & 15]}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr() of a loaded YAML/JSON value (what str() shows for list elements). */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return pyReprString(v);
  return pyStr(v);
}

/** Python's str() of a loaded YAML/JSON value. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    const parts = Object.keys(v).map((k) => `${pyReprString(k)}: ${pyRepr((v as Record<string, unknown>)[k])}`);
    return `{${parts.join(', ')}}`;
  }
  return String(v);
}

/** LiteLLM's id for a deployment without model_info.id. `litellmParams` as given, os.environ/ resolved. */
export function deploymentId(modelName: string, litellmParams: Record<string, unknown>): string {
  const parts: string[] = [modelName];
  for (const k of Object.keys(litellmParams)) {
    const v = litellmParams[k];
    parts.push(k);
    if (typeof v === 'string') parts.push(v);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) parts.push(pyJsonDumps(v));
    else parts.push(pyStr(v));
  }
  return createHash('sha256').update(parts.join(''), 'utf8').digest('hex');
}
