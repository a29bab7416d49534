// What the library-shaped encoders (js-tiktoken-rules.ts, tiktoken-rules.ts) share.
import type { Flavor } from './encodings';

/** Returned for arguments a library fails on in its own way: the caller runs the library itself. */
export const UNSUPPORTED: unique symbol = Symbol('fast-litellm: left to the original');
export type Unsupported = typeof UNSUPPORTED;

export interface RulesOptions {
  /**
   * Whose pre-tokenizer splits the ordinary text: 'tiktoken' (default) gives the reference ids of the
   * Rust tiktoken; 'js-tiktoken' gives js-tiktoken's own (they differ on U+FEFF, U+0085, the long s).
   */
  flavor?: Flavor;
}

/** The error both libraries throw for a disallowed special token in the text. */
export function disallowedError(match: string): Error {
  return new Error(`The text contains a special token that is not allowed: ${match}`);
}
