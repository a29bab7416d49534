// Cutting a long text where every pre-tokenizer splits anyway, so its parts can be counted apart
// (and in parallel) with an exact sum. Between an ASCII letter and " " + ASCII letter no pattern of
// cl100k, o200k, p50k or r50k can join the two sides: letter runs stop at the space, the space starts
// a " word" piece, and no alternative looks behind. Texts without such places stay whole.

const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Cut points (exclusive ends) of parts of about `target` characters; the last is text.length. */
export function splitPoints(text: string, target: number): number[] {
  const n = text.length;
  const ends: number[] = [];
  // A space between two ASCII letters: no token spans it, so the text can be cut there exactly.
  const wordGap = (k: number) =>
    text.charCodeAt(k) === 32 && isAsciiLetter(text.charCodeAt(k - 1)) && isAsciiLetter(text.charCodeAt(k + 1));
  let from = target;
  while (from < n - target / 2) {
    let i = from;
    while (i < n - 1 && !wordGap(i)) i++;
    if (i >= n - 1) break;
    ends.push(i);
    from = i + target;
  }
  ends.push(n);
  return ends;
}
