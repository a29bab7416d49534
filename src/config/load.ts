import { ConfigError, invalidMessage } from '../errors';
import { readConfigFile } from './file';
import { unknownText } from './parsers';
import { SETTINGS, type Setting } from './settings';
import { FEATURES, type Config, type Origin } from './types';

// The one engine behind the settings table: defaults, then the config file, then the environment,
// then applyAcceleration() options, each checked by the row's parser; then the rules rows declare
// (derived defaults, settings that turn a feature on) and the kill switch.

const CONFIG_ENV = 'FAST_LITELLM_CONFIG';

const byKey = new Map<string, Setting>();
const byPath = new Map<string, Setting>();
/** Names accepted under each file-key prefix ('' = top level). */
const children = new Map<string, string[]>();

for (const s of SETTINGS) {
  byPath.set(s.path, s);
  const key = s.key === undefined ? s.path : s.key;
  if (key === null) continue;
  byKey.set(key, s);
  const parts = key.split('.');
  for (let i = 0; i < parts.length; i++) {
    const parent = parts.slice(0, i).join('.');
    const names = children.get(parent) ?? [];
    if (!names.includes(parts[i])) names.push(parts[i]);
    children.set(parent, names);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function own(target: object, key: string, value: unknown): void {
  // defineProperty, not assignment: a key named __proto__ must stay a key.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function setAt(cfg: object, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = cfg as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(o[p])) own(o, p, {});
    o = o[p] as Record<string, unknown>;
  }
  own(o, parts[parts.length - 1], value);
}

function getAt(cfg: object, path: string): unknown {
  let o: unknown = cfg;
  for (const p of path.split('.')) o = isPlainObject(o) && Object.hasOwn(o, p) ? o[p] : undefined;
  return o;
}

/** A deep copy that keeps null prototypes (and so every key), shared references and cycles. */
export function cloneValue<T>(v: T, seen = new Map<object, unknown>()): T {
  if (v === null || typeof v !== 'object') return v;
  if (seen.has(v)) return seen.get(v) as T;
  if (Array.isArray(v)) {
    const a: unknown[] = [];
    seen.set(v, a);
    for (const x of v) a.push(cloneValue(x, seen));
    return a as T;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== null && proto !== Object.prototype) return v;
  const o = Object.create(proto) as Record<string, unknown>;
  seen.set(v, o);
  for (const k of Object.keys(v)) own(o, k, cloneValue((v as Record<string, unknown>)[k], seen));
  return o as T;
}

/** A fresh Config holding every row's default. */
export function defaults(): Config {
  const cfg = { source: { set: {} } } as unknown as Config;
  for (const s of SETTINGS) {
    const parent = s.path.split('.').slice(0, -1).join('.');
    if (parent !== '' && getAt(cfg, parent) === undefined) setAt(cfg, parent, {});
    if (s.default !== undefined) setAt(cfg, s.path, cloneValue(s.default));
  }
  return cfg;
}

interface Layer {
  origin: Origin;
  /** Names a value in messages, e.g. `/app/c.json.rateLimit.rpm`. */
  where(key: string): string;
  /** Names the whole input in messages. */
  top: string;
}

/** Checks every key of `raw` against the table first (naming all unknown ones), then parses the values. */
function applyObject(cfg: Config, raw: Record<string, unknown>, layer: Layer): void {
  const found: [Setting, unknown, string][] = [];
  const unknown: string[] = [];
  const walk = (prefix: string, obj: Record<string, unknown>): void => {
    for (const k of Object.keys(obj)) {
      const key = prefix === '' ? k : `${prefix}.${k}`;
      const v = obj[k];
      if (v === undefined) continue;
      const s = byKey.get(key);
      if (s !== undefined) found.push([s, v, key]);
      else if (children.has(key)) {
        if (!isPlainObject(v)) {
          throw new ConfigError(invalidMessage(layer.where(key), v, `an object with ${children.get(key)!.join(', ')}`));
        }
        walk(key, v);
      } else unknown.push(key);
    }
  };
  walk('', raw);
  if (unknown.length > 0) {
    throw new ConfigError(`${layer.top}: ${unknownText(unknown)}; accepted: ${acceptedFor(unknown)}`);
  }
  for (const [s, v, key] of found) set(cfg, s, s.parser.parse(v, layer.where(key)), layer.origin);
}

function acceptedFor(unknown: string[]): string {
  const parents = [...new Set(unknown.map((k) => k.split('.').slice(0, -1).join('.')))];
  return parents
    .map((p) => children.get(p)!.join(', ') + (parents.length > 1 ? ` (${p === '' ? 'top level' : `in ${p}`})` : ''))
    .join('; ');
}

function set(cfg: Config, s: Setting, value: unknown, origin: Origin): void {
  setAt(cfg, s.path, value);
  cfg.source.set[s.path] = origin;
}

function applyEnv(cfg: Config, env: NodeJS.ProcessEnv): void {
  for (const s of SETTINGS) {
    if (s.env === undefined) continue;
    const v = env[s.env];
    if (v !== undefined && v !== '') set(cfg, s, s.parser.parse(v, s.env), 'env');
  }
}

function isSetValue(v: unknown): boolean {
  return v !== undefined && !(isPlainObject(v) && Object.keys(v).length === 0);
}

/** The rules rows declare, then the kill switch. Runs after every layer, over what all layers set. */
function finish(cfg: Config): Config {
  const given = cfg.source.set;
  for (const s of SETTINGS) {
    if (s.derive !== undefined && given[s.path] === undefined) setAt(cfg, s.path, s.derive(cfg));
    if (s.enables !== undefined && given[`features.${s.enables}`] === undefined && isSetValue(getAt(cfg, s.path))) {
      cfg.features[s.enables] = { mode: 'on' };
    }
  }
  if (cfg.disabled) for (const f of FEATURES) cfg.features[f] = { mode: 'off' };
  return cfg;
}

/**
 * Builds the configuration from an environment and the config file it names (FAST_LITELLM_CONFIG).
 * The environment wins over the file. Throws ConfigError naming the variable or file key, the bad
 * value and what is accepted; a file's unknown keys are all named in one error.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cfg = defaults();
  const name = env[CONFIG_ENV];
  if (name !== undefined && name !== '') {
    const path = byPath.get('source.file')!.parser.parse(name, CONFIG_ENV) as string;
    const { data, format } = readConfigFile(path);
    cfg.source.format = format;
    applyObject(cfg, data, { origin: 'file', where: (key) => `${path}.${key}`, top: path });
  }
  applyEnv(cfg, env);
  return finish(cfg);
}

/** Settings given in code, in the config file's shape (e.g. `{ features: { streaming: 'off' } }`). */
export interface ConfigOptions {
  features?: Record<string, unknown>;
  errorThreshold?: unknown;
  [key: string]: unknown;
}

/**
 * A copy of `cfg` with `options` applied over it, checked by the same table (unknown keys and bad
 * values are ConfigErrors named after `where`); `cfg` is left unchanged. Undefined values are skipped.
 */
export function withOptions(cfg: Config, options: ConfigOptions, where = 'applyAcceleration'): Config {
  if (!isPlainObject(options)) throw new ConfigError(invalidMessage(where, options, 'an object of settings'));
  const out = cloneValue(cfg);
  out.source.set ??= {};
  applyObject(out, options, { origin: 'options', where: (key) => `${where}: ${key}`, top: where });
  return finish(out);
}
