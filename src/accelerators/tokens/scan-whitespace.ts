// White space splits the same way in cl100k and o200k: \s*[\r\n]+ takes the run up to its last
// newline; else \s+(?!\S) leaves the last space to the next piece; a single space before a
// non-space is \s+ alone. ASCII only: -1 when a non-ASCII character would decide the piece.
export function whitespaceEnd(text: string, s: number, n: number): number {
  let e = s;
  let lastNewline = -1;
  while (e < n) {
    const ch = text.charCodeAt(e);
    if (ch >= 128) return -1;
    if (ch === 10 || ch === 13) lastNewline = e;
    else if (ch !== 32 && (ch < 9 || ch > 13)) break;
    e++;
  }
  if (lastNewline >= 0) return lastNewline + 1;
  if (e === n || e - s === 1) return e;
  return e - 1;
}
