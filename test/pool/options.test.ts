import { describe, expect, it } from 'vitest';
import {
  DispatcherRegistry, FETCH_FLAVOUR, POOL_DEFAULTS, POOL_RANGES, checkPoolOptions, createPooledFetch,
} from '../../src/accelerators/pool';
import { CODES, InvalidArgumentError, OutOfRangeError } from '../../src/errors';

// Option checks of the pooled transport: src/errors.ts classes and codes, one message style, and
// every value accepted here also accepted by undici (a check that passes must not fail at the first request).
function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('checkPoolOptions / DispatcherRegistry', () => {
  it('defaults, and every value within POOL_RANGES accepted', () => {
    expect(checkPoolOptions()).toEqual(POOL_DEFAULTS);
    for (const [k, r] of Object.entries(POOL_RANGES)) {
      expect(checkPoolOptions({ [k]: r.min })[k as keyof typeof POOL_DEFAULTS]).toBe(r.min);
      expect(checkPoolOptions({ [k]: r.max })[k as keyof typeof POOL_DEFAULTS]).toBe(r.max);
    }
  });

  it('exact errors: wrong type, out of range, not an integer, not an object', () => {
    const e1 = thrown(() => new DispatcherRegistry({ connections: '4' as any }));
    expect(e1).toBeInstanceOf(InvalidArgumentError);
    expect(e1).toBeInstanceOf(TypeError);
    expect(e1.code).toBe(CODES.INVALID_ARGUMENT);
    expect(e1.message).toBe('DispatcherRegistry: connections: invalid value "4"; accepted: an integer from 0 to 65536');
    const e2 = thrown(() => new DispatcherRegistry({ connections: -1 }));
    expect(e2).toBeInstanceOf(OutOfRangeError);
    expect(e2).toBeInstanceOf(RangeError);
    expect(e2.code).toBe(CODES.OUT_OF_RANGE);
    expect(e2.message).toBe('DispatcherRegistry: connections: invalid value -1; accepted: an integer from 0 to 65536');
    expect(thrown(() => checkPoolOptions({ bodyTimeout: 1.5 })).message)
      .toBe('DispatcherRegistry: bodyTimeout: invalid value 1.5; accepted: an integer from 0 to 2147483647');
    expect(thrown(() => checkPoolOptions(null as any)).message).toBe('DispatcherRegistry: options: invalid value null; accepted: an object');
  });

  it('refuses what undici or Node timers would refuse later: keep-alive 0, timers over 2^31-1 ms', () => {
    expect(thrown(() => new DispatcherRegistry({ keepAliveTimeout: 0 }))).toBeInstanceOf(OutOfRangeError);
    expect(thrown(() => new DispatcherRegistry({ keepAliveMaxTimeout: 0 }))).toBeInstanceOf(OutOfRangeError);
    expect(thrown(() => new DispatcherRegistry({ headersTimeout: 2 ** 31 }))).toBeInstanceOf(OutOfRangeError);
    // The smallest accepted values build a working pool.
    const r = new DispatcherRegistry({ keepAliveTimeout: 1, keepAliveMaxTimeout: 1, connections: 1 });
    expect(() => r.acquire('http://127.0.0.1:9')).not.toThrow();
    return r.destroy();
  });
});

describe('createPooledFetch options', () => {
  const registry = new DispatcherRegistry();
  const cases: Array<[object, string]> = [
    [{ registry: {}, fallback: fetch }, 'createPooledFetch: options.registry: invalid value an object; accepted: a DispatcherRegistry'],
    [{ registry, fallback: 'fetch' }, 'createPooledFetch: options.fallback: invalid value "fetch"; accepted: a fetch function'],
    [{ registry, fallback: fetch, lineChunks: true }, 'createPooledFetch: options.lineChunks: invalid value true; accepted: a function'],
    [{ registry, fallback: fetch, response: 'Response' }, `createPooledFetch: options.response: invalid value "Response"; accepted: 'fast' or 'web'`],
    [{ registry, fallback: fetch, flavour: { ...FETCH_FLAVOUR, body: undefined } },
      'createPooledFetch: options.flavour: invalid value an object; accepted: FETCH_FLAVOUR, nodeFetchFlavour(...) or an object with their methods'],
  ];
  for (const [opts, message] of cases) {
    it(message.split(':')[1].trim(), () => {
      const e = thrown(() => createPooledFetch(opts as any));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect(e.message).toBe(message);
    });
  }
});

