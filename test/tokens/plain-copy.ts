// A copy of a CommonJS module the shim never sees, for side-by-side comparisons in one process: loaded
// before any acceleration and dropped from require.cache with everything it loaded, so the app's own
// later require loads (and the shim patches) a copy of its own.
import { createRequire } from 'node:module';
import { isActive } from '../../src/shims/loader';

const require = createRequire(import.meta.url);

export function plainCopy<T>(request: string, from?: string): T {
  if (isActive()) throw new Error(`plainCopy(${request}): the acceleration is already active in this process`);
  const file = require.resolve(request, from === undefined ? undefined : { paths: [from] });
  const before = new Set(Object.keys(require.cache));
  const mod = require(file) as T;
  for (const key of Object.keys(require.cache)) if (!before.has(key)) delete require.cache[key];
  return mod;
}
