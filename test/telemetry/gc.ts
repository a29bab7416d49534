import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Garbage collection on demand inside a test worker (no --expose-gc on the vitest command line).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage until `done()` holds (finalizers run between turns), at most `tries` times. */
export async function collectUntil(done: () => boolean, tries = 50): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
    if (done()) return true;
  }
  return done();
}
