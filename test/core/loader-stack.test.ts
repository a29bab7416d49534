import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { applyAcceleration, getPatchStatus, removeAcceleration } from '../../src/index';
import { registerTable } from '../../src/shims/loader';
import type { AnyFn } from '../../src/shims/guard';

const require = createRequire(import.meta.url);

describe('two rows on one export', () => {
  it('stack in order and unwind to the identical original', async () => {
    const mod = require('litellm/dist/src/handlers/getHandler');
    const original = mod.getHandler;
    const seen: string[] = [];
    registerTable({
      package: 'litellm',
      rows: [{
        id: 'test.getHandler-outer',
        package: 'litellm',
        versions: '>=0.12.0 <0.13.0',
        file: 'dist/src/handlers/getHandler.js',
        export: 'getHandler',
        feature: 'streaming',
        replace: (inner: AnyFn) => function (this: unknown, ...args: unknown[]) {
          seen.push('outer');
          return inner.apply(this, args);
        },
      }],
    });
    applyAcceleration();
    const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r.state]));
    expect(rows['litellm.getHandler']).toBe('applied');
    expect(rows['test.getHandler-outer']).toBe('applied');
    expect(mod.getHandler('gpt-4', { 'gpt-': 'x' })).toBe('x');
    expect(seen).toEqual(['outer']);
    await removeAcceleration();
    expect(mod.getHandler).toBe(original);
  });
});
