// js-tiktoken's `Tiktoken#encode(text, allowedSpecial = [], disallowedSpecial = 'all')` (1.0.x, read
// from its dist/lite.cjs), on our encoder: same ids, same special-token rules, the same Error where it
// throws ("The text contains a special token that is not allowed: <match>"). Arguments it would fail
// on in its own way (a non-string text, a non-iterable set, non-string disallowed entries) give
// UNSUPPORTED: the caller then runs js-tiktoken itself, which throws its own error.
//
// Its rules, mirrored: `allowedSpecial` 'all' is every special token, anything else goes through
// `new Set(x)` (null is empty, a string is its characters); `disallowedSpecial` 'all' is every
// special token not allowed, else `new Set(x)`, and any entry (special or not) found in the text
// throws, the leftmost match reported, the first entry in order at one place.
import type { BpeEncoder } from './bpe';
import { getEncoder, type EncodingName, type Flavor } from './encodings';
import { disallowedError, UNSUPPORTED, type RulesOptions, type Unsupported } from './rules';
import { alternation, SPECIAL_TOKENS, SpecialTokens } from './special';

const DISALLOWED_CACHE_LIMIT = 64;

/** A js-tiktoken encoder for one encoding (and the extra special tokens an app may pass to getEncoding). */
export class JsTiktokenRules {
  readonly encoding: EncodingName;
  readonly #encoder: BpeEncoder;
  readonly #specials: SpecialTokens;
  /** Regexes of the disallowed sets seen so far, by their entries joined (few distinct sets in an app). */
  #disallowed = new Map<string, RegExp>();

  private constructor(encoding: EncodingName, specials: SpecialTokens, flavor: Flavor) {
    this.encoding = encoding;
    this.#encoder = getEncoder(encoding, flavor);
    this.#specials = specials;
  }

  /**
   * The rules for `getEncoding(encoding, extendedSpecialTokens)`, or undefined for extra special
   * tokens it cannot mirror (an empty name, an id that is no non-negative integer).
   */
  static create(encoding: EncodingName, extendedSpecialTokens?: unknown, options: RulesOptions = {}):
    JsTiktokenRules | undefined {
    const extra = extendedSpecialTokens ?? {};
    if (typeof extra !== 'object' || Array.isArray(extra)) return undefined;
    return JsTiktokenRules.withSpecialTokens(encoding, { ...SPECIAL_TOKENS[encoding], ...(extra as object) }, options);
  }

  /**
   * The rules for an encoder of `encoding`'s vocabulary whose special tokens are exactly `tokens`, in
   * their order (js-tiktoken's `new Tiktoken(ranks, extra)` holds `{ ...ranks.special_tokens, ...extra }`),
   * or undefined when they cannot be mirrored.
   */
  static withSpecialTokens(encoding: EncodingName, tokens: object, options: RulesOptions = {}):
    JsTiktokenRules | undefined {
    const copy: Record<string, number> = {};
    for (const [name, id] of Object.entries(tokens)) {
      if (name === '' || !Number.isSafeInteger(id) || id < 0) return undefined;
      copy[name] = id as number;
    }
    return new JsTiktokenRules(encoding, new SpecialTokens(copy), options.flavor ?? 'tiktoken');
  }

  /** Tokens of `text` as js-tiktoken's encode returns them, or UNSUPPORTED. Throws where it throws. */
  encode(text: unknown, allowedSpecial: unknown = [], disallowedSpecial: unknown = 'all'): number[] | Unsupported {
    if (typeof text !== 'string') return UNSUPPORTED;
    const specials = this.#specials;
    const out: number[] = [];
    // The common call, encode(text): nothing allowed, every special token disallowed.
    const noneAllowed = allowedSpecial !== 'all' && isEmptySet(allowedSpecial);
    if (noneAllowed && disallowedSpecial === 'all') {
      if (specials.mayOccurIn(text)) this.#check(text, specials.names);
      this.#encoder.encode(text, out);
      return out;
    }
    const allowed = allowedSpecial === 'all' ? new Set(specials.names) : toSet(allowedSpecial);
    if (allowed === undefined) return UNSUPPORTED;
    const disallowed = disallowedSpecial === 'all'
      ? specials.names.filter((x) => !allowed.has(x))
      : toSet(disallowedSpecial);
    if (disallowed === undefined) return UNSUPPORTED;
    const entries = [...disallowed];
    if (!entries.every((x) => typeof x === 'string')) return UNSUPPORTED;
    if (entries.length > 0) this.#check(text, entries as string[]);
    specials.encode(this.#encoder, text, (name) => allowed.has(name), out);
    return out;
  }

  /** Throws js-tiktoken's error if `text` holds one of `entries` (the leftmost match, first entry first). */
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

/** `new Set(value)` for the values js-tiktoken's callers pass; undefined for anything else. */
function toSet(value: unknown): Set<unknown> | undefined {
  if (value === null) return new Set();
  const iterable = typeof value === 'string' || Array.isArray(value) || value instanceof Set;
  return iterable ? new Set(value as Iterable<unknown>) : undefined;
}

function isEmptySet(value: unknown): boolean {
  if (value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return value instanceof Set && value.size === 0;
}
