import { createHash } from 'node:crypto';

// Label and attribute values with bounded cardinality: a metric series per value an app may vary
// without bound (model names from callers, origins) would grow a registry forever.

/** The value every label takes once its bound is reached. */
export const OTHER = '__other__';

/** The first distinct values of one label are kept as they are; every later one becomes `__other__`. */
export class BoundedValues {
  readonly #seen = new Set<string>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  of(value: string | undefined): string {
    if (value === undefined || value === '') return '';
    if (this.#seen.has(value)) return value;
    if (this.#seen.size >= this.#max) return OTHER;
    this.#seen.add(value);
    return value;
  }

  clear(): void {
    this.#seen.clear();
  }
}

/** The sha256 hex prefix of an API key (never the key); '' when there is none. */
export function keyHashPrefix(apiKey: unknown, chars = 12): string {
  if (typeof apiKey !== 'string' || apiKey === '') return '';
  return createHash('sha256').update(apiKey).digest('hex').slice(0, chars);
}

export interface ServerAddress {
  address?: string;
  port?: number;
  /** The URL without user info, query or fragment (for api_base labels). */
  base?: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };
const addresses = new Map<string, ServerAddress>();
const MAX_ADDRESSES = 256;

/** server.address / server.port of a base URL, parsed once per distinct URL; {} when it is not one. */
export function serverAddress(url: string | undefined): ServerAddress {
  if (url === undefined || url === '') return {};
  let a = addresses.get(url);
  if (a === undefined) {
    a = parse(url);
    if (addresses.size >= MAX_ADDRESSES) addresses.clear();
    addresses.set(url, a);
  }
  return a;
}

function parse(url: string): ServerAddress {
  try {
    const u = new URL(url);
    const port = u.port === '' ? DEFAULT_PORTS[u.protocol] : Number(u.port);
    return { address: u.hostname.replace(/^\[|\]$/g, ''), port, base: `${u.protocol}//${u.host}${u.pathname}` };
  } catch {
    return {};
  }
}
