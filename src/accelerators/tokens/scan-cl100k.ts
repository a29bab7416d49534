// A hand-written cl100k pre-tokenizer for ASCII, about 3x faster than the regex it mirrors:
//   '(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD]) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,3}
//   | ' '?[^\s\p{L}\p{N}]+[\r\n]* | \s*[\r\n]+ | \s+(?!\S) | \s+
// Returns the end of the piece starting at `s`, or -1 when deciding it would need to look at a
// non-ASCII character: the caller then takes that one piece from the regex. Pieces are contiguous
// (every character belongs to some alternative), so mixing the two per piece is exact. With an end,
// the piece's hash and head are in SCAN (letter runs, most of any text, are hashed as they are read).

import { hashPiece as hashPieceOf, SCAN as SCAN_STATE } from './scan-state';
import { whitespaceEnd as whitespaceEndOf } from './scan-whitespace';

// Bound once: under esbuild (tsx, vitest) every use of an imported name is a getter call, too slow here.
const hashPiece = hashPieceOf;
const SCAN = SCAN_STATE;
const whitespaceEnd = whitespaceEndOf;

const P = 0x01000193;

const L = 1;
const N = 2;
const WS = 4;
const NL = 8;
const P_ = 16;

const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) CLASS[c] = L;
  else if (c >= 48 && c <= 57) CLASS[c] = N;
  else if (c === 10 || c === 13) CLASS[c] = WS | NL;
  else if ((c >= 9 && c <= 13) || c === 32) CLASS[c] = WS;
  else CLASS[c] = P_;
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

/** A letter run from `from` (text[s, from) is an ASCII prefix already classified), hashed from s. */
function letters(text: string, s: number, from: number, n: number): number {
  let h = 0;
  let w0 = 0;
  let w1 = 0;
  let i = s;
  for (; i < from; i++) {
    const c = text.charCodeAt(i);
    h = (Math.imul(h, P) + c + 1) | 0;
    w0 |= c << (8 * (i - s));
  }
  const end0 = s + 4;
  const end1 = s + 8;
  while (i < n) {
    const c = text.charCodeAt(i);
    // An ASCII letter (c | 32 folds A-Z onto a-z); past the run, a non-ASCII character could be a letter.
    if (((c | 32) - 97) >>> 0 >= 26) {
      if (c >= 128) return -1;
      break;
    }
    h = (Math.imul(h, P) + c + 1) | 0;
    if (i < end0) w0 |= c << (8 * (i - s));
    else if (i < end1) w1 |= c << (8 * (i - end0));
    i++;
  }
  SCAN[0] = h;
  SCAN[1] = w0;
  SCAN[2] = w1;
  return i;
}

export function scanCl100k(text: string, s: number): number {
  const n = text.length;
  const c = text.charCodeAt(s);
  if (c >= 128) return -1;
  const k = CLASS[c];
  const c1 = s + 1 < n ? text.charCodeAt(s + 1) : -1;
  if (c1 >= 128) return -1;
  const k1 = c1 < 0 ? 0 : CLASS[c1];

  if (c === 39 && c1 >= 0) {
    const d = c1 | 0x20;
    if (d === 0x73 || d === 0x74 || d === 0x6d || d === 0x64) return hashPiece(text, s, s + 2); // 's 't 'm 'd
    if (s + 2 < n) {
      const e = text.charCodeAt(s + 2) | 0x20;
      // 're 've 'll
      const contraction = (d === 0x72 && e === 0x65) || (d === 0x76 && e === 0x65) || (d === 0x6c && e === 0x6c);
      if (contraction) return hashPiece(text, s, s + 3);
    }
  }
  if (k & L) return letters(text, s, s + 1, n);
  if ((k & (NL | L | N)) === 0 && k1 & L) return letters(text, s, s + 2, n);
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
  const punct = k & P_ ? s : c === 32 && k1 & P_ ? s + 1 : -1;
  if (punct >= 0) {
    let i = run(text, punct + 1, n, P_);
    if (i < 0) return -1;
    while (i < n) {
      const ch = text.charCodeAt(i);
      if (ch !== 10 && ch !== 13) break;
      i++;
    }
    return hashPiece(text, s, i);
  }
  const e = whitespaceEnd(text, s, n);
  return e < 0 ? -1 : hashPiece(text, s, e);
}
