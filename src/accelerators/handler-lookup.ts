// A first-match lookup over regex patterns (object key order), with each pattern compiled once.
// Same answers as building `new RegExp(pattern, 'g')` per pattern per call and testing it:
// a global regex that matches once is exactly a non-global regex whose test() is true.
const MAX_PATTERNS = 1024;

export function createPatternLookup(): <T>(subject: string, mapping: Record<string, T>) => T | null {
  const compiled = new Map<string, RegExp>();
  return function lookup<T>(subject: string, mapping: Record<string, T>): T | null {
    for (const pattern of Object.keys(mapping)) {
      let re = compiled.get(pattern);
      if (re === undefined) {
        re = new RegExp(pattern);
        if (compiled.size >= MAX_PATTERNS) compiled.clear();
        compiled.set(pattern, re);
      }
      if (re.test(subject)) return mapping[pattern];
    }
    return null;
  };
}
