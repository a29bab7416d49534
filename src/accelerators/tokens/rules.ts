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

// The Errors the rules throw because the library throws them (its answer to those arguments, not a
// failure of ours): a caller that falls back to the library on its own failures must re-throw these.
// Remembered by identity, so the error object carries nothing the library's does not.
const libraryErrors = new WeakSet<Error>();

/** An Error as the library throws it (class Error, the library's message). */
export function libraryError(message: string): Error {
  const err = new Error(message);
  libraryErrors.add(err);
  return err;
}

/** True for an error the rules threw as the library would (see libraryError). */
export function isLibraryError(err: unknown): boolean {
  return err instanceof Error && libraryErrors.has(err);
}

/** The error both libraries throw for a disallowed special token in the text. */
export function disallowedError(match: string): Error {
  return libraryError(`The text contains a special token that is not allowed: ${match}`);
}
