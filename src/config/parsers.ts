import { resolve } from 'node:path';
import { ConfigError, invalidMessage } from '../errors';
import type { FeatureMode, ModelLimits } from './types';

// Value parsers of the settings table. Each one takes a value as it comes from an environment variable
// (a string), a config file (JSON or YAML data) or code, and either returns it parsed or throws a
// ConfigError in the package's message style. `accepted` is that message's tail and the README's text.

export interface Parser<T> {
  readonly accepted: string;
  parse(value: unknown, where: string): T;
  /** A value as the README shows it (default: JSON). */
  show?(value: T): string;
}

function refuse(where: string, value: unknown, accepted: string): never {
  throw new ConfigError(invalidMessage(where, value, accepted));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const BOOL_ACCEPTED = '1, 0, true, false';

export const bool: Parser<boolean> = {
  accepted: BOOL_ACCEPTED,
  parse(value, where) {
    if (typeof value === 'boolean') return value;
    const v = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (v === '1' || v === 'true') return true;
    if (v === '0' || v === 'false') return false;
    return refuse(where, value, BOOL_ACCEPTED);
  },
};

export interface IntRange {
  min: number;
  max?: number;
}

/** An integer in [min, max], given as a number or a numeric string. */
export function int(range: IntRange, show?: (v: number) => string): Parser<number> {
  const { min, max } = range;
  const accepted = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return {
    accepted,
    show,
    parse(value, where) {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      const ok = typeof n === 'number' && Number.isSafeInteger(n) && n >= min && (max === undefined || n <= max);
      return ok ? (n as number) : refuse(where, value, accepted);
    },
  };
}

/** Timers clamp delays above this to 1 ms (TimeoutOverflowWarning): a longer one would fire at once. */
export const MAX_TIMER_MS = 0x7fff_ffff;

export function bytesText(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return String(n);
}

export function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  const accepted = values.join(', ');
  return {
    accepted,
    parse(value, where) {
      const ok = typeof value === 'string' && (values as readonly string[]).includes(value);
      return ok ? (value as T) : refuse(where, value, accepted);
    },
  };
}

const TEXT_ACCEPTED = 'a non-empty string';

export const text: Parser<string> = {
  accepted: TEXT_ACCEPTED,
  parse(value, where) {
    return typeof value === 'string' && value !== '' ? value : refuse(where, value, TEXT_ACCEPTED);
  },
};

/** A path, resolved against the working directory. */
export const filePath: Parser<string> = {
  accepted: 'the path of a JSON or YAML (.yaml, .yml) file',
  parse(value, where) {
    return resolve(text.parse(value, where));
  },
};

const REDIS_ACCEPTED = 'redis://host:port or rediss://host:port';

/** A Redis URL. Never echoed in a message: it may hold a password. */
export const redisUrl: Parser<string> = {
  accepted: REDIS_ACCEPTED,
  parse(value, where) {
    if (typeof value !== 'string' || value === '') return refuse(where, value, REDIS_ACCEPTED);
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      throw new ConfigError(`${where}: invalid value (not a URL); accepted: ${REDIS_ACCEPTED}`);
    }
    if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
      throw new ConfigError(`${where}: invalid protocol ${JSON.stringify(u.protocol)}; accepted: ${REDIS_ACCEPTED}`);
    }
    return value;
  },
};

const MODE_ACCEPTED = 'on, off, shadow or rollout:N with N an integer from 0 to 100';

export function parseFeatureMode(value: unknown, where: string): FeatureMode {
  if (typeof value === 'boolean') return { mode: value ? 'on' : 'off' };
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'on' || v === 'true' || v === '1') return { mode: 'on' };
    if (v === 'off' || v === 'false' || v === '0') return { mode: 'off' };
    if (v === 'shadow') return { mode: 'shadow' };
    const m = /^rollout:(\d{1,3})$/.exec(v);
    if (m && Number(m[1]) <= 100) return { mode: 'rollout', percent: Number(m[1]) };
  }
  return refuse(where, value, MODE_ACCEPTED);
}

export const featureMode: Parser<FeatureMode> = {
  accepted: '`on`, `off`, `shadow`, `rollout:N` (N from 0 to 100)',
  parse: parseFeatureMode,
  show: (m) => (m.mode === 'rollout' ? `rollout:${m.percent}` : m.mode),
};

/** Ranges of rpm, tpm and maxParallel: the limiter's own, so whatever passes here it can enforce. */
export type LimitRanges = Readonly<Record<keyof ModelLimits, IntRange>>;

const LIMIT_KEYS = ['rpm', 'tpm', 'maxParallel'] as const;

/** { rpm?, tpm?, maxParallel? } with at least one set: an empty entry would silently limit nothing. */
export function limits(ranges: LimitRanges): Parser<ModelLimits> {
  const parsers = { rpm: int(ranges.rpm), tpm: int(ranges.tpm), maxParallel: int(ranges.maxParallel) };
  const accepted = `an object with at least one of rpm, tpm, maxParallel`;
  return {
    accepted,
    parse(value, where) {
      if (!isPlainObject(value)) return refuse(where, value, accepted);
      const unknown = Object.keys(value).filter((k) => !(LIMIT_KEYS as readonly string[]).includes(k));
      if (unknown.length > 0) {
        throw new ConfigError(`${where}: ${unknownText(unknown)}; accepted: ${LIMIT_KEYS.join(', ')}`);
      }
      const out: ModelLimits = {};
      for (const k of LIMIT_KEYS) if (value[k] !== undefined) out[k] = parsers[k].parse(value[k], `${where}.${k}`);
      return Object.keys(out).length > 0 ? out : refuse(where, value, accepted);
    },
  };
}

/** `unknown setting "a"` / `unknown settings "a", "b"`. */
export function unknownText(keys: readonly string[]): string {
  return `unknown setting${keys.length > 1 ? 's' : ''} ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
}

/**
 * Limits by name (model or API-key hash). The result has a null prototype, so every name, `__proto__`,
 * `constructor` or `toString` included, is an own entry and nothing is inherited.
 */
export function limitsByName(
  ranges: LimitRanges,
  what: string,
  checkName?: (name: string, where: string) => string,
): Parser<Record<string, ModelLimits>> {
  const one = limits(ranges);
  const accepted = `an object of ${what} to { rpm?, tpm?, maxParallel? }`;
  return {
    accepted,
    parse(value, where) {
      if (!isPlainObject(value)) return refuse(where, value, accepted);
      const out = Object.create(null) as Record<string, ModelLimits>;
      for (const name of Object.keys(value)) {
        const shown = checkName ? checkName(name, where) : name;
        Object.defineProperty(out, name, {
          value: one.parse(value[name], `${where}.${shown}`), enumerable: true, writable: true, configurable: true,
        });
      }
      return out;
    },
  };
}

/** A section of another tool's config (a LiteLLM proxy config.yaml), kept as given. */
export const kept: Parser<unknown> = {
  accepted: 'any (LiteLLM proxy format)',
  parse: (value) => value,
};
