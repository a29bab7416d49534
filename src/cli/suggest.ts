// "Did you mean ...?" for a mistyped command or option: the closest known name by edit distance.

/** Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      const transposed = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      if (transposed) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name closest to `input`, when it is close enough to be a typo: at most a third of its
 * length in edits (at least 1, at most 3), or a unique prefix of it. Ties go to the earlier name.
 */
export function suggest(input: string, known: readonly string[]): string | undefined {
  const x = input.toLowerCase();
  if (x === '') return undefined;
  const prefixed = known.filter((k) => k.toLowerCase().startsWith(x));
  if (prefixed.length === 1 && x.length >= 3) return prefixed[0];
  const limit = Math.min(3, Math.max(1, Math.floor(x.length / 3)));
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dist = editDistance(x, k.toLowerCase());
    if (dist < bestD) {
      best = k;
      bestD = dist;
    }
  }
  return bestD <= limit ? best : undefined;
}

/** '; did you mean X?' or ''. */
export function didYouMean(input: string, known: readonly string[], prefix = ''): string {
  const s = suggest(input, known);
  return s === undefined ? '' : `; did you mean ${prefix}${s}?`;
}
