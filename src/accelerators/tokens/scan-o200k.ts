// A hand-written o200k pre-tokenizer for ASCII (same contract as scan-cl100k.ts):
//   [^\r\n\p{L}\p{N}]?[UPPER]*[lower]+(contraction)? | [^\r\n\p{L}\p{N}]?[UPPER]+[lower]*(contraction)?
//   | \p{N}{1,3} | ' '?[^\s\p{L}\p{N}]+[\r\n/]* | \s*[\r\n]+ | \s+(?!\S) | \s+
// In ASCII the upper and lower classes are A-Z and a-z, which do not overlap, so both letter
// alternatives reduce to: optional prefix, the upper run, the lower run (one of them non-empty),
// then an optional contraction ('s 't 're 've 'm 'll 'd, any case).
// Returns the piece end (its hash and head in SCAN), or -1 when a non-ASCII character would decide it.

import { hashPiece as hashPieceOf } from './scan-state';
import { whitespaceEnd as whitespaceEndOf } from './scan-whitespace';

// Bound once: under esbuild (tsx, vitest) every use of an imported name is a getter call, too slow here.
const hashPiece = hashPieceOf;
const whitespaceEnd = whitespaceEndOf;

const U = 1;
const LO = 2;
const N = 4;
const WS = 8;
const NL = 16;
const P = 32;

const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (c >= 65 && c <= 90) CLASS[c] = U;
  else if (c >= 97 && c <= 122) CLASS[c] = LO;
  else if (c >= 48 && c <= 57) CLASS[c] = N;
  else if (c === 10 || c === 13) CLASS[c] = WS | NL;
  else if ((c >= 9 && c <= 13) || c === 32) CLASS[c] = WS;
  else CLASS[c] = P;
}

function run(text: string, i: number, n: number, cls: number): number {
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch >= 128) return -1;
    if ((CLASS[ch] & cls) === 0) break;
    i++;
  }
  return i;
}

/** End after an optional contraction at i, -1 if a non-ASCII character would decide it. */
function contraction(text: string, i: number, n: number): number {
  if (i >= n || text.charCodeAt(i) !== 39 || i + 1 >= n) return i;
  const c1 = text.charCodeAt(i + 1);
  if (c1 >= 128) return -1; // the long s U+017F matches (?i:'s)
  const d = c1 | 0x20;
  if (d === 0x73 || d === 0x74 || d === 0x6d || d === 0x64) return i + 2;
  if (i + 2 < n) {
    const c2 = text.charCodeAt(i + 2);
    if (c2 >= 128) return i; // no non-ASCII letter folds to e or l
    const e = c2 | 0x20;
    if ((d === 0x72 && e === 0x65) || (d === 0x76 && e === 0x65) || (d === 0x6c && e === 0x6c)) return i + 3;
  }
  return i;
}

/** Letters from i (the first is known to be ASCII A-Z or a-z): upper run, lower run, contraction. */
function word(text: string, i: number, n: number): number {
  const upperEnd = run(text, i, n, U);
  if (upperEnd < 0) return -1;
  const lowerEnd = run(text, upperEnd, n, LO);
  if (lowerEnd < 0) return -1;
  return contraction(text, lowerEnd, n);
}

export function scanO200k(text: string, s: number): number {
  const n = text.length;
  const c = text.charCodeAt(s);
  if (c >= 128) return -1;
  const k = CLASS[c];
  const c1 = s + 1 < n ? text.charCodeAt(s + 1) : -1;
  if (c1 >= 128) return -1;
  const k1 = c1 < 0 ? 0 : CLASS[c1];

  if (k & (U | LO)) return hashed(text, s, word(text, s, n));
  if ((k & (NL | N)) === 0 && k1 & (U | LO)) return hashed(text, s, word(text, s + 1, n));
  if (k & N) {
    let i = s + 1;
    while (i < n && i < s + 3) {
      const ch = text.charCodeAt(i);
      if (ch >= 128) return -1;
      if ((CLASS[ch] & N) === 0) break;
      i++;
    }
    return hashPiece(text, s, i);
  }
  const punct = k & P ? s : c === 32 && k1 & P ? s + 1 : -1;
  if (punct >= 0) {
    let i = run(text, punct + 1, n, P);
    if (i < 0) return -1;
    while (i < n) {
      const ch = text.charCodeAt(i);
      if (ch !== 10 && ch !== 13 && ch !== 47) break;
      i++;
    }
    return hashPiece(text, s, i);
  }
  return hashed(text, s, whitespaceEnd(text, s, n));
}

function hashed(text: string, s: number, e: number): number {
  return e < 0 ? -1 : hashPiece(text, s, e);
}
