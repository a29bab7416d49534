import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError } from '../../src/errors';
import { MemoryStore, RateLimiter } from '../../src/accelerators/ratelimit';
import { LIMIT_RANGES } from '../../src/accelerators/ratelimit/options';

// LIMIT_RANGES is the table the config validates against: every value inside it must build a limiter
// that enforces it, every value outside must be refused at construction (never at the first call).
describe('LIMIT_RANGES: what the config accepts, the limiter enforces', () => {
  const limits = ['rpm', 'tpm', 'maxParallel'] as const;

  it.each(limits)('%s at its min and max builds a working limiter; max + 1 and min - 1 are refused', (name) => {
    const { min, max } = LIMIT_RANGES[name];
    for (const v of [min, max]) {
      const rl = new RateLimiter({ [name]: v, store: new MemoryStore() });
      const r = name === 'tpm' ? rl.checkSync('k', { tokens: v }) : rl.checkSync('k');
      expect(r.allowed).toBe(true);
      // Held: the slot stays taken until released; once at the limit the next is denied.
      if (v === 1 && name !== 'maxParallel') expect(rl.checkSync('k', { tokens: 1 }).allowed).toBe(false);
    }
    expect(() => new RateLimiter({ [name]: max + 1 })).toThrow(OutOfRangeError);
    expect(() => new RateLimiter({ [name]: min - 1 })).toThrow(OutOfRangeError);
    expect(() => new RateLimiter({ [name]: String(min) } as never)).toThrow(InvalidArgumentError);
  });

  it('windowMs at its bounds; beyond is refused', () => {
    const { min, max } = LIMIT_RANGES.windowMs;
    for (const windowMs of [min, max]) expect(new RateLimiter({ rpm: 1, windowMs }).checkSync('k').allowed).toBe(true);
    expect(() => new RateLimiter({ rpm: 1, windowMs: max + 1 })).toThrow('RateLimiter: windowMs: invalid value 2147483648');
  });

  it('maxParallel at its max: that many slots are held at once, one more is denied', () => {
    const max = LIMIT_RANGES.maxParallel.max;
    const rl = new RateLimiter({ maxParallel: max });
    for (let i = 0; i < max; i++) void rl.acquire('k');
    expect(() => rl.acquire('k')).toThrow(/max_parallel_requests limit 65535/);
  });

  it('the errors carry the package codes', () => {
    const e = (() => { try { new RateLimiter({ rpm: 2 ** 32 }); } catch (err) { return err; } })();
    expect(e).toMatchObject({ code: 'FAST_LITELLM_OUT_OF_RANGE', name: 'OutOfRangeError' });
  });
});
