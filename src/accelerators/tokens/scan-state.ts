// What a hand-written pre-tokenizer leaves behind besides the piece's end: the hash of the piece and
// its first 8 characters packed in two words (tables.ts), computed while its characters were being
// classified, so the encoder does not read them a second time. Valid for the last piece a scanner
// returned an end (>= 0) for.
export const SCAN = new Int32Array(3);
const P = 0x01000193;

/** Hash and packed words of the ASCII text[s, e) into SCAN; returns e. */
export function hashPiece(text: string, s: number, e: number): number {
  let h = 0;
  let w0 = 0;
  let w1 = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    h = (Math.imul(h, P) + c + 1) | 0;
    const k = i - s;
    if (k < 4) w0 |= c << (8 * k);
    else if (k < 8) w1 |= c << (8 * (k - 4));
  }
  SCAN[0] = h;
  SCAN[1] = w0;
  SCAN[2] = w1;
  return e;
}
