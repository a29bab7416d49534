// What a call gave, as one comparable string: the result's kind and ids, or the error's class and message.
import { UNSUPPORTED } from '../../src/accelerators/tokens/rules';

export function outcome(fn: () => unknown): string {
  try {
    const r = fn();
    if (r === UNSUPPORTED) return 'UNSUPPORTED';
    return `${r instanceof Uint32Array ? 'Uint32Array' : Array.isArray(r) ? 'Array' : typeof r}:${Array.from(r as number[]).join(',')}`;
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}
