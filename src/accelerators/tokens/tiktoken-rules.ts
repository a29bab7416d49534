// The `tiktoken` package's (WASM, 1.0.x) `Tiktoken#encode(text, allowed_special, disallowed_special)`
// and `encode_ordinary(text)` on our encoder: the same ids (a Uint32Array), the same rules, the same
// Errors. Read from its Rust source (wasm/src/lib.rs, validate_allowed_tokens) and checked against it:
// - allowed_special: 'all' is every special token; another string throws "Invalid value for
//   allowed_special"; an array of strings is that set; anything else (undefined, null, an array with
//   a non-string) is the empty set.
// - disallowed_special: an array of strings is that set; 'all', undefined or any other non-string is
//   every special token not allowed; another string throws "Invalid value for disallowed_special".
// - any disallowed entry found in the text throws "The text contains a special token that is not
//   allowed: <match>". The text is seen as UTF-8 (lone surrogates are U+FFFD), as the WASM sees it.
// Where its answer depends on a Rust HashSet's order (two special tokens or disallowed entries where
// one is a prefix of the other) or on serde details (objects, ill-formed strings), UNSUPPORTED.
import type { BpeEncoder } from './bpe';
import { wellFormed } from './count';
import { getEncoder, type EncodingName } from './encodings';
import { disallowedError, libraryError, UNSUPPORTED, type RulesOptions, type Unsupported } from './rules';
import { alternation, hasPrefixPair, SPECIAL_TOKENS, SpecialTokens } from './special';

const DISALLOWED_CACHE_LIMIT = 64;

export class TiktokenRules {
  readonly encoding: EncodingName;
  readonly #encoder: BpeEncoder;
  readonly #specials: SpecialTokens;
  #disallowed = new Map<string, RegExp>();

  private constructor(encoding: EncodingName, specials: SpecialTokens, options: RulesOptions) {
    this.encoding = encoding;
    this.#encoder = getEncoder(encoding, options.flavor ?? 'tiktoken');
    this.#specials = specials;
  }

  /** The rules for `get_encoding(encoding, extend_special_tokens)`, or undefined when they cannot be mirrored. */
  static create(encoding: EncodingName, extendSpecialTokens?: unknown, options: RulesOptions = {}):
    TiktokenRules | undefined {
    const tokens: Record<string, number> = { ...SPECIAL_TOKENS[encoding] };
    if (extendSpecialTokens !== undefined && extendSpecialTokens !== null) {
      if (Object.getPrototypeOf(extendSpecialTokens) !== Object.prototype) return undefined;
      for (const [name, id] of Object.entries(extendSpecialTokens as Record<string, unknown>)) {
        if (name === '' || !isRank(id) || !isWellFormed(name)) return undefined;
        tokens[name] = id as number;
      }
    }
    if (hasPrefixPair(Object.keys(tokens))) return undefined;
    return new TiktokenRules(encoding, new SpecialTokens(tokens), options);
  }

  encodeOrdinary(text: unknown): Uint32Array | Unsupported {
    if (typeof text !== 'string') return UNSUPPORTED;
    const out: number[] = [];
    this.#encoder.encode(text, out);
    return Uint32Array.from(out);
  }

  /** Tokens of `text` as tiktoken's encode returns them, or UNSUPPORTED. Throws where it throws. */
  encode(text: unknown, allowedSpecial?: unknown, disallowedSpecial?: unknown): Uint32Array | Unsupported {
    if (typeof text !== 'string') return UNSUPPORTED;
    const specials = this.#specials;
    let allowed: ReadonlySet<string>;
    if (typeof allowedSpecial === 'string') {
      if (allowedSpecial !== 'all') throw libraryError('Invalid value for allowed_special');
      allowed = new Set(specials.names);
    } else {
      const set = stringSet(allowedSpecial);
      if (set === UNSUPPORTED) return UNSUPPORTED;
      allowed = set ?? new Set();
    }
    let disallowed: readonly string[];
    const given = stringSet(disallowedSpecial);
    if (given === UNSUPPORTED) return UNSUPPORTED;
    if (given !== undefined) disallowed = [...given];
    else if (typeof disallowedSpecial === 'string' && disallowedSpecial !== 'all') {
      throw libraryError('Invalid value for disallowed_special');
    } else disallowed = specials.names.filter((name) => !allowed.has(name));
    const seen = wellFormed(text);
    if (disallowed.length > 0 && (given !== undefined || specials.mayOccurIn(seen))) {
      if (given !== undefined && hasPrefixPair(disallowed)) return UNSUPPORTED;
      this.#check(seen, disallowed);
    }
    const out: number[] = [];
    if (allowed.size === 0) this.#encoder.encode(seen, out);
    else specials.encode(this.#encoder, seen, (name) => allowed.has(name), out);
    return Uint32Array.from(out);
  }

  #check(text: string, entries: readonly string[]): void {
    const key = entries.join('\u0000');
    let re = this.#disallowed.get(key);
    if (re === undefined) {
      if (this.#disallowed.size >= DISALLOWED_CACHE_LIMIT) this.#disallowed = new Map();
      re = alternation(entries);
      this.#disallowed.set(key, re);
    }
    re.lastIndex = 0;
    const match = re.exec(text);
    if (match !== null) throw disallowedError(match[0]);
  }
}

/**
 * What serde makes of a JS value as a set of strings: the set for an array of (well-formed) strings,
 * undefined where it fails (the WASM then uses its default), UNSUPPORTED where we are not sure.
 */
function stringSet(value: unknown): Set<string> | undefined | Unsupported {
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  if (!Array.isArray(value)) return hasToJSON(value) ? UNSUPPORTED : undefined;
  for (let i = 0; i < value.length; i++) {
    const entry: unknown = value[i];
    if (typeof entry !== 'string') return hasToJSON(entry) ? UNSUPPORTED : undefined;
    if (!isWellFormed(entry)) return UNSUPPORTED;
  }
  return new Set(value as string[]);
}

/** JSON.stringify would call it, so serde would see something we cannot predict. */
function hasToJSON(value: unknown): boolean {
  return typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function';
}

/** Ranks are u32 in the WASM: an id beyond makes it drop the whole extension (serde fails), so we cannot mirror it. */
function isRank(id: unknown): boolean {
  return Number.isSafeInteger(id) && (id as number) >= 0 && (id as number) <= 0xffffffff;
}

function isWellFormed(text: string): boolean {
  return wellFormed(text) === text;
}
