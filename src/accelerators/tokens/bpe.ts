// Byte-pair encoder with the Rust tiktoken's results: the text is cut into pieces by the encoding's
// pre-tokenizer (a hand-written ASCII scanner where there is one, the regex otherwise), each piece is
// looked up whole (most pieces are one token), and the rest are merged: lowest rank first, leftmost
// on ties. Short pieces use tiktoken's own scan; long ones the bucket merge of merge-long.ts, so a
// 1 MB run of one letter is linear. Counting builds no arrays. Special tokens are the caller's
// concern (special.ts): here every character is ordinary text.
//
// Lone surrogates are encoded as U+FFFD, as UTF-8 encoding does before tiktoken sees the text; they
// split like U+FFFD too (both are neither letter, number nor white space in every pattern).
import { invalidArgument } from '../../errors';
import { LongMerger } from './merge-long';
import { CACHE_MAX_BYTES, PieceCache } from './piece-cache';
import { SCAN as SCAN_STATE } from './scan-state';
import { NO_RANK as NONE, type RankTables } from './tables';

// Bound once: under esbuild (tsx, vitest) every use of an imported name is a getter call, too slow here.
const SCAN = SCAN_STATE;
const NO_RANK = NONE;

/** End of the pre-tokenizer piece that starts at `start` (hash and words left in SCAN), or -1: the regex decides. */
export type PieceScanner = (text: string, start: number) => number;

/** Above this many bytes a piece is merged with buckets; below, tiktoken's scan is faster. */
const LONG_PIECE = 96;
/** The same for the runs a long piece is cut into. */
const CHUNK_SCAN = 32;
const P = 0x01000193;

export class BpeEncoder {
  readonly name: string;
  readonly #pattern: RegExp;
  readonly #scan: PieceScanner | undefined;
  readonly #load: () => RankTables;
  #tables: RankTables | undefined;
  #long: LongMerger | undefined;
  readonly #pieces = new PieceCache();
  // Scratch: the current piece's UTF-8 bytes (grown as needed), and the parts of a short merge.
  #buf = new Uint8Array(1024);
  readonly #tok = new Int32Array(LONG_PIECE + 1);
  readonly #pr = new Int32Array(LONG_PIECE + 1);

  /** `scan`, when given, must split exactly like `pattern` (returning -1 hands one piece to the regex). */
  constructor(name: string, pattern: RegExp, load: () => RankTables, scan?: PieceScanner) {
    if (!pattern.global) invalidArgument(`BpeEncoder ${name}: pattern`, pattern.flags, 'flags with g');
    this.name = name;
    this.#pattern = pattern;
    this.#load = load;
    this.#scan = scan;
  }

  /** The rank tables (loaded on first use). */
  get tables(): RankTables {
    return (this.#tables ??= this.#load());
  }

  /** Number of tokens of `text`, every character ordinary text. */
  count(text: string): number {
    return this.#run(text, undefined);
  }

  /** Appends the tokens of `text` (every character ordinary text) to `out`. */
  encode(text: string, out: number[]): void {
    this.#run(text, out);
  }

  #run(text: string, out: number[] | undefined): number {
    const tables = this.tables;
    const scan = this.#scan;
    const re = this.#pattern;
    const n = text.length;
    let total = 0;
    let s = 0;
    while (s < n) {
      let e = scan === undefined ? -1 : scan(text, s);
      let h = 0;
      let w0 = 0;
      let w1 = 0;
      if (e >= 0) {
        // An ASCII piece, hashed by the scanner.
        h = SCAN[0];
        w0 = SCAN[1];
        w1 = SCAN[2];
      } else {
        // test() rather than exec(): it moves lastIndex to the end of the match without building it.
        re.lastIndex = s;
        re.test(text);
        e = re.lastIndex;
        let i = s;
        for (; i < e; i++) {
          const c = text.charCodeAt(i);
          if (c >= 0x80) break;
          h = (Math.imul(h, P) + c + 1) | 0;
          const k = i - s;
          if (k < 4) w0 |= c << (8 * k);
          else if (k < 8) w1 |= c << (8 * (k - 4));
        }
        if (i < e) {
          total += this.#utf8Piece(text, s, e, out);
          s = e;
          continue;
        }
      }
      // Most pieces are one token: look the piece up in the text itself.
      const whole = tables.findText(text, s, e - s, h, w0, w1);
      if (whole !== NO_RANK) {
        if (out !== undefined) out.push(whole);
        total++;
      } else {
        const buf = this.#scratch(e - s);
        for (let j = s; j < e; j++) buf[j - s] = text.charCodeAt(j);
        total += this.#merged(buf, e - s, h, out);
      }
      s = e;
    }
    return total;
  }

  #scratch(bytes: number): Uint8Array {
    if (bytes > this.#buf.length) this.#buf = new Uint8Array(bytes + 1024);
    return this.#buf;
  }

  /** A piece with non-ASCII characters: its UTF-8 bytes (lone surrogates as U+FFFD) and their hash. */
  #utf8Piece(text: string, s: number, e: number, out: number[] | undefined): number {
    const buf = this.#scratch((e - s) * 3);
    let h = 0;
    let k = 0;
    for (let i = s; i < e; i++) {
      let c = text.charCodeAt(i);
      const from = k;
      if (c < 0x80) {
        buf[k++] = c;
      } else if (c < 0x800) {
        buf[k++] = 0xc0 | (c >> 6);
        buf[k++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < e ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          buf[k++] = 0xf0 | (c >> 18);
          buf[k++] = 0x80 | ((c >> 12) & 0x3f);
          buf[k++] = 0x80 | ((c >> 6) & 0x3f);
          buf[k++] = 0x80 | (c & 0x3f);
        } else {
          buf[k++] = 0xef;
          buf[k++] = 0xbf;
          buf[k++] = 0xbd;
        }
      } else {
        buf[k++] = 0xe0 | (c >> 12);
        buf[k++] = 0x80 | ((c >> 6) & 0x3f);
        buf[k++] = 0x80 | (c & 0x3f);
      }
      for (let j = from; j < k; j++) h = (Math.imul(h, P) + buf[j] + 1) | 0;
    }
    const whole = this.tables.find(buf, 0, k, h);
    if (whole === NO_RANK) return this.#merged(buf, k, h, out);
    if (out !== undefined) out.push(whole);
    return 1;
  }

  /** Tokens of a piece that is no single token (k >= 2 bytes in buf, hash h). */
  #merged(buf: Uint8Array, k: number, h: number, out: number[] | undefined): number {
    if (k <= CACHE_MAX_BYTES) {
      const hit = this.#pieces.count(buf, k, h);
      if (hit >= 0) {
        if (out !== undefined) this.#pieces.copy(h, out);
        return hit;
      }
    }
    if (k > LONG_PIECE) return this.#mergeLong(buf, k, out);
    const m = this.#mergeShort(buf, 0, k);
    this.#pieces.store(buf, k, h, this.#tok, m);
    if (out !== undefined) for (let i = 0; i < m; i++) out.push(this.#tok[i]);
    return m;
  }

  /**
   * A long piece: cut where no token can span (tables.spanned), so random text falls apart into short
   * independent runs that merge in cache; what stays long (one letter repeated) goes to the buckets.
   */
  #mergeLong(buf: Uint8Array, k: number, out: number[] | undefined): number {
    const spanned = this.tables.spanned();
    let total = 0;
    let start = 0;
    for (let i = 1; i <= k; i++) {
      if (i < k && spanned[(buf[i - 1] << 8) | buf[i]] === 1) continue;
      const n = i - start;
      if (n === 1) {
        if (out !== undefined) out.push(this.tables.single[buf[start]]);
        total++;
      } else if (n <= CHUNK_SCAN) {
        const m = this.#mergeShort(buf, start, n);
        if (out !== undefined) for (let j = 0; j < m; j++) out.push(this.#tok[j]);
        total += m;
      } else {
        const tokens = (this.#long ??= new LongMerger(this.tables)).merge(buf, n, start);
        if (out !== undefined) for (let j = 0; j < tokens.length; j++) out.push(tokens[j]);
        total += tokens.length;
      }
      start = i;
    }
    return total;
  }

  /** tiktoken's loop (quadratic, tight for short pieces) over buf[from, from + n); the tokens end up in #tok[0, m). */
  #mergeShort(buf: Uint8Array, from: number, n: number): number {
    const t = this.tables;
    const tok = this.#tok;
    const pr = this.#pr;
    const single = t.single;
    const pairs = t.pairs;
    for (let i = 0; i < n; i++) tok[i] = single[buf[from + i]];
    for (let i = 0; i < n - 1; i++) pr[i] = pairs[(buf[from + i] << 8) | buf[from + i + 1]];
    pr[n - 1] = NO_RANK;
    let m = n;
    while (m > 1) {
      let best = NO_RANK;
      let at = -1;
      for (let i = 0; i < m - 1; i++) {
        if (pr[i] < best) {
          best = pr[i];
          at = i;
        }
      }
      if (at < 0) break;
      tok[at] = best;
      m--;
      for (let i = at + 1; i < m; i++) {
        tok[i] = tok[i + 1];
        pr[i] = pr[i + 1];
      }
      pr[at] = at + 1 < m ? t.merge(best, tok[at + 1]) : NO_RANK;
      if (at > 0) pr[at - 1] = t.merge(tok[at - 1], best);
    }
    return m;
  }
}
