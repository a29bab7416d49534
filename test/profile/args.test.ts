import { describe, expect, it } from 'vitest';
import { parseArgs, type OptSpec } from '../../src/cli/args';

const spec: Record<string, OptSpec> = {
  url: { kind: 'string', help: '', default: 'http://localhost:4000' },
  'max-tokens': { kind: 'int', help: '' },
  rate: { kind: 'number', help: '' },
  json: { kind: 'boolean', help: '' },
  models: { kind: 'list', help: '' },
};

describe('cli argument parser', () => {
  it('reads --a b, --a=b, flags, space and comma lists, defaults; camelCases names', () => {
    const { opts, positionals } = parseArgs(['x', '--max-tokens', '5', '--rate=0.5', '--json', '--models', 'a', 'b,c', '--url=http://h:1'], spec);
    expect(opts).toEqual({ url: 'http://h:1', maxTokens: 5, rate: 0.5, json: true, models: ['a', 'b', 'c'] });
    expect(positionals).toEqual(['x']);
    expect(parseArgs([], spec).opts).toEqual({ url: 'http://localhost:4000' });
    expect(parseArgs(['--json=false'], spec).opts.json).toBe(false);
  });

  it.each([
    [['--nope'], 'unknown option --nope'],
    [['--max-tokens'], '--max-tokens needs a value'],
    [['--max-tokens', '1.5'], '--max-tokens must be a non-negative integer, got 1.5'],
    [['--rate', '-1'], '--rate must be a non-negative number, got -1'],
    [['--json=yes'], '--json takes no value or true|false, got yes'],
    [['--models', '--json'], '--models needs at least one value'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv, spec)).toThrow(message);
  });
});
