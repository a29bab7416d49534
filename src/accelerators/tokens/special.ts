// Special tokens (<|endoftext|>, ...) and the loop both tiktoken and js-tiktoken run around the
// encoder: find the next special token that is allowed, encode the ordinary text before it, emit the
// special token's id, go on after it. A special token that is not allowed is ordinary text.
import type { BpeEncoder } from './bpe';
import type { EncodingName } from './encodings';

export const SPECIAL_TOKENS: Readonly<Record<EncodingName, Readonly<Record<string, number>>>> = Object.freeze({
  cl100k_base: Object.freeze({
    '<|endoftext|>': 100257,
    '<|fim_prefix|>': 100258,
    '<|fim_middle|>': 100259,
    '<|fim_suffix|>': 100260,
    '<|endofprompt|>': 100276,
  }),
  o200k_base: Object.freeze({ '<|endoftext|>': 199999, '<|endofprompt|>': 200018 }),
  p50k_base: Object.freeze({ '<|endoftext|>': 50256 }),
  r50k_base: Object.freeze({ '<|endoftext|>': 50256 }),
});

/** js-tiktoken's escape for its special-token regexes (a RegExp without the u flag). */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');
}

/** A regex matching any of `names`, leftmost first and, at one place, the first name in order. */
export function alternation(names: Iterable<string>): RegExp {
  return new RegExp([...names].map(escapeRegex).join('|'), 'g');
}

/** True when some name is a prefix of another (then which one matches depends on their order). */
export function hasPrefixPair(names: readonly string[]): boolean {
  const sorted = [...names].sort();
  for (let i = 1; i < sorted.length; i++) if (sorted[i].startsWith(sorted[i - 1])) return true;
  return false;
}

/** The special tokens of an encoder: names in the library's order, their ids, one regex over them. */
export class SpecialTokens {
  readonly names: readonly string[];
  readonly #ids: ReadonlyMap<string, number>;
  readonly #regex: RegExp | undefined;
  /** Longest prefix every name shares ('' when none): a text without it holds no special token. */
  readonly #prefix: string;

  constructor(tokens: Readonly<Record<string, number>>) {
    this.names = Object.keys(tokens);
    this.#ids = new Map(this.names.map((name) => [name, tokens[name]]));
    this.#regex = this.names.length > 0 ? alternation(this.names) : undefined;
    let prefix = this.names[0] ?? '';
    for (const name of this.names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
    this.#prefix = prefix;
  }

  id(name: string): number | undefined {
    return this.#ids.get(name);
  }

  /** False when `text` cannot hold any of the special tokens. */
  mayOccurIn(text: string): boolean {
    return this.#regex !== undefined && (this.#prefix === '' || text.includes(this.#prefix));
  }

  /**
   * Appends the tokens of `text` to `out`: the special tokens accepted by `allowed` as their ids, all
   * the rest as ordinary text. A special token that is not allowed is searched past by one character
   * (as both libraries do), so an allowed one overlapping it is still found.
   */
  encode(encoder: BpeEncoder, text: string, allowed: (name: string) => boolean, out: number[]): void {
    const re = this.#regex;
    if (re === undefined || !this.mayOccurIn(text)) {
      encoder.encode(text, out);
      return;
    }
    let start = 0;
    for (;;) {
      let next: RegExpExecArray | null;
      let from = start;
      for (;;) {
        re.lastIndex = from;
        next = re.exec(text);
        if (next === null || allowed(next[0])) break;
        from = next.index + 1;
      }
      const end = next === null ? text.length : next.index;
      if (end > start) encoder.encode(start === 0 && end === text.length ? text : text.slice(start, end), out);
      if (next === null) return;
      out.push(this.#ids.get(next[0]) as number);
      start = next.index + next[0].length;
    }
  }
}
