// js-tiktoken (1.0.x) served by the token engine, through its own API and classes. An encoder the
// shim makes is a real instance of the library's class, built by the library's own constructor from
// its own pattern and special tokens, only with an empty vocabulary: its `rankMap` and `textMap` (the
// ~0.6 s part) are accessors that build them with the library itself when something reads them
// (`decode`, the original `encode` once the acceleration is off). Its `encode` is the library's
// prototype method, replaced in place by one that answers from the engine for the encoders the shim
// made and hands every other encoder (built before, with other ranks, edited since) to the original.
import { isEncodingName, JS_TIKTOKEN_PATTERNS, type EncodingName } from '../accelerators/tokens/encodings';
import { JsTiktokenRules } from '../accelerators/tokens/js-tiktoken-rules';
import { rankSetOf } from '../accelerators/tokens/rank-sets';
import { isLibraryError, UNSUPPORTED } from '../accelerators/tokens/rules';
import { SPECIAL_TOKENS } from '../accelerators/tokens/special';
import { isEnabled } from './features';
import { type AnyFn, markInternal, unwrap } from './guard';

/** Called when the shim leaves a call to the library (a custom rank set, an encoding it does not serve). */
export type Left = (what: string) => void;
const ignore: Left = () => {};

/** A short, safe description of an argument for a status reason (never the app's text). */
export function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

type Klass = new (ranks: unknown, extendedSpecialTokens?: unknown) => object;
interface Encoder {
  patStr: unknown;
  specialTokens: Record<string, unknown>;
}

/** What the shim knows of an encoder it made. */
interface Made {
  rules: JsTiktokenRules;
  patStr: string;
  specialTokens: Record<string, unknown>;
  /** Its special tokens as made (names in order, ids), to see an edit in place. */
  names: string[];
  ids: unknown[];
  /** Builds an encoder of the library with the same vocabulary (for the maps). */
  build: () => object;
  maps?: { rankMap: unknown; textMap: unknown };
  /** The app assigned its own rankMap: from then on the original encodes. */
  replaced: boolean;
}

const made = new WeakMap<object, Made>();
/** Our Proxy of a Tiktoken class -> the class. */
const proxied = new WeakMap<object, Klass>();
const FLAVOR = { flavor: 'js-tiktoken' } as const;

function classOf(value: unknown): Klass | undefined {
  if (typeof value !== 'function') return undefined;
  return proxied.get(value) ?? (value as Klass);
}

function materialize(m: Made): { rankMap: unknown; textMap: unknown } {
  if (m.maps === undefined) {
    const built = m.build() as { rankMap: unknown; textMap: unknown };
    m.maps = { rankMap: built.rankMap, textMap: built.textMap };
  }
  return m.maps;
}

/**
 * An encoder of `Class` (or `newTarget`'s subclass) for the standard vocabulary `encoding` with the
 * given pattern and special tokens, its maps built by `build` on first read; undefined when its
 * special tokens cannot be mirrored (the caller then builds it the library's way).
 */
interface Pattern {
  pat_str: string;
  special_tokens: unknown;
}

function makeEncoder(Class: Klass, newTarget: Klass, encoding: EncodingName, ranks: Pattern, extra: unknown,
  build: () => object): object | undefined {
  // The library's constructor with an empty vocabulary: every other field exactly as it sets it.
  const enc = Reflect.construct(Class, [{ pat_str: ranks.pat_str, special_tokens: ranks.special_tokens, bpe_ranks: '' }, extra],
    newTarget) as Encoder;
  const specialTokens = enc.specialTokens;
  if (specialTokens === null || typeof specialTokens !== 'object') return undefined;
  const rules = JsTiktokenRules.withSpecialTokens(encoding, specialTokens, FLAVOR);
  if (rules === undefined) return undefined;
  const names = Object.keys(specialTokens);
  const m: Made = {
    rules, patStr: ranks.pat_str, specialTokens, names, ids: names.map((n) => specialTokens[n]), build, replaced: false,
  };
  for (const key of ['rankMap', 'textMap'] as const) {
    Object.defineProperty(enc, key, {
      get: () => materialize(m)[key],
      set(value: unknown) {
        if (key === 'rankMap') m.replaced = true;
        Object.defineProperty(enc, key, { value, writable: true, enumerable: true, configurable: true });
      },
      enumerable: true,
      configurable: true,
    });
  }
  made.set(enc, m);
  return enc;
}

/** The shim's record of `enc`, if it made it and nothing the original encode reads was changed since. */
function intact(enc: unknown): Made | undefined {
  const m = made.get(enc as object);
  if (m === undefined || m.replaced) return undefined;
  const e = enc as Encoder;
  if (e.patStr !== m.patStr || e.specialTokens !== m.specialTokens) return undefined;
  const st = m.specialTokens;
  let i = 0;
  for (const name in st) {
    if (name !== m.names[i] || st[name] !== m.ids[i]) return undefined;
    i++;
  }
  return i === m.names.length ? m : undefined;
}

// --- rows' replacements ------------------------------------------------------------------------------

/** `Tiktoken.prototype.encode`: the engine for the encoders the shim made, the original for the rest. */
export function jsEncode(original: AnyFn): AnyFn {
  return function encode(this: unknown, text: unknown, allowedSpecial?: unknown, disallowedSpecial?: unknown) {
    const m = intact(this);
    if (m === undefined) return original.apply(this, arguments as unknown as unknown[]);
    let ids: number[] | typeof UNSUPPORTED;
    try {
      ids = m.rules.encode(text, allowedSpecial, disallowedSpecial);
    } catch (err) {
      // js-tiktoken's own error for a disallowed special token is its answer; anything else is ours.
      if (isLibraryError(err)) throw err;
      throw markInternal(err);
    }
    return ids === UNSUPPORTED ? original.apply(this, arguments as unknown as unknown[]) : ids;
  };
}

/** The main entry's getEncoding: the four standard encodings this version knows, made by the shim. */
export function jsGetEncoding(original: AnyFn, holder: Record<string, unknown>, left: Left = ignore): AnyFn {
  // Its own module-scope class, which is the export as the library left it.
  const Class = classOf(holder.Tiktoken);
  const source = Function.prototype.toString.call(original);
  // A version without o200k (before 1.0.12) throws "Unknown encoding" for it: so must we.
  const knows = (name: string) => source.includes(`"${name}"`);
  return function getEncoding(this: unknown, encoding: unknown, extendSpecialTokens?: unknown) {
    if (!isEncodingName(encoding) || !knows(encoding) || Class === undefined) {
      left(`getEncoding(${describe(encoding)})`);
      return original.apply(this, arguments as unknown as unknown[]);
    }
    const ranks = { pat_str: JS_TIKTOKEN_PATTERNS[encoding], special_tokens: SPECIAL_TOKENS[encoding] };
    const build = () => original(encoding, extendSpecialTokens);
    const enc = makeEncoder(Class, Class, encoding, ranks, extendSpecialTokens, build);
    if (enc !== undefined) return enc;
    left(`getEncoding('${encoding}') with extra special tokens it cannot mirror`);
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

/** encodingForModel(model, extra) is getEncoding(getEncodingNameForModel(model), extra), as in its source. */
export function jsEncodingForModel(original: AnyFn, holder: Record<string, unknown>, left: Left = ignore): AnyFn {
  const nameFor = holder.getEncodingNameForModel;
  const getEncoding = unwrap(holder.getEncoding);
  if (typeof nameFor !== 'function' || typeof getEncoding !== 'function') return original;
  const byName = jsGetEncoding(getEncoding as AnyFn, holder, left);
  return function encodingForModel(this: unknown, model: unknown, extendSpecialTokens?: unknown) {
    let name: unknown;
    try {
      name = (nameFor as AnyFn)(model);
    } catch {
      // "Unknown model": the original throws it itself.
      return original.apply(this, arguments as unknown as unknown[]);
    }
    return byName(name, extendSpecialTokens);
  };
}

interface Ranks {
  pat_str?: unknown;
  special_tokens?: unknown;
  bpe_ranks?: unknown;
}

/**
 * The exported `Tiktoken` class (main entry and `js-tiktoken/lite`): a Proxy whose `new` makes the
 * encoder from a standard rank set (the one LangChain downloads, the ranks files js-tiktoken ships)
 * and leaves any other to the class. Statics, `prototype` and `instanceof` are the class's own.
 */
export function jsTiktokenClass(feature: 'token_counting', left: Left = ignore): (original: unknown) => unknown {
  return (original) => {
    const Class = original as Klass;
    const proxy: Klass = new Proxy(Class, {
      construct(target, args, newTarget): object {
        const ranks = args[0] as Ranks | null | undefined;
        const encoding = isEnabled(feature) && ranks !== null && typeof ranks === 'object' ? standardRanks(ranks) : undefined;
        if (encoding === undefined) {
          if (isEnabled(feature)) left('new Tiktoken(ranks) with ranks that are not one of the four standard sets');
          return Reflect.construct(target, args, newTarget === proxy ? target : newTarget);
        }
        const bpe = ranks!.bpe_ranks as string;
        const pattern = { pat_str: ranks!.pat_str as string, special_tokens: ranks!.special_tokens };
        const build = () => Reflect.construct(target, [{ ...pattern, bpe_ranks: bpe }, args[1]]);
        const sub = newTarget === proxy ? target : (newTarget as Klass);
        try {
          return makeEncoder(target, sub, encoding, pattern, args[1], build) ?? Reflect.construct(target, args, sub);
        } catch {
          // Whatever the odd argument was, the library's own constructor decides (and throws its error).
          return Reflect.construct(target, args, sub);
        }
      },
    });
    proxied.set(proxy, Class);
    return proxy;
  };
}

/** The standard encoding whose vocabulary and pattern `ranks` holds, else undefined. */
function standardRanks(ranks: Ranks): EncodingName | undefined {
  const encoding = rankSetOf(ranks.bpe_ranks);
  return encoding !== undefined && ranks.pat_str === JS_TIKTOKEN_PATTERNS[encoding] ? encoding : undefined;
}

/** For tests of laziness: whether the encoder's maps were built. */
export function mapsBuilt(enc: object): boolean | undefined {
  const m = made.get(enc);
  return m === undefined ? undefined : m.maps !== undefined;
}
