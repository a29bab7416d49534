// A first-match lookup over regex patterns (own keys, in object key order), each pattern compiled
// once. Same answers as building `new RegExp(pattern, 'g')` per pattern per call and matching it:
// a global regex that matches at all is a non-global regex whose test() is true, and a pattern
// without regex syntax matches exactly where the string occurs.
const MAX_PATTERNS = 1024;
const LITERAL = /^[\w\-/:@ ]*$/;
const hasOwn = Object.prototype.hasOwnProperty;

export function createPatternLookup(): <T>(subject: string, mapping: Record<string, T>) => T | null {
  const compiled = new Map<string, RegExp | string>();
  return function lookup<T>(subject: string, mapping: Record<string, T>): T | null {
    // for-in walks own keys in Object.keys order without allocating the keys array.
    for (const pattern in mapping) {
      if (!hasOwn.call(mapping, pattern)) continue;
      let m = compiled.get(pattern);
      if (m === undefined) {
        m = LITERAL.test(pattern) ? pattern : new RegExp(pattern);
        if (compiled.size >= MAX_PATTERNS) compiled.clear();
        compiled.set(pattern, m);
      }
      if (typeof m === 'string' ? subject.includes(m) : m.test(subject)) return mapping[pattern];
    }
    return null;
  };
}
