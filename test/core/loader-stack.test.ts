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

  it('turning the inner row\'s feature off unwinds the outer row first and re-applies it; back on, the order is kept', async () => {
    const mod = require('litellm/dist/src/handlers/getHandler');
    const original = mod.getHandler;
    const mapping = { 'gpt-': 'x' };
    applyAcceleration({ features: { handler_lookup: 'on', streaming: 'on' } });
    const outer = mod.getHandler;
    expect(outer).not.toBe(original);
    // The outer row is the test row above (streaming); the inner one (handler_lookup) is litellm's lookup.
    const trace = () => mod.getHandler('gpt-4', mapping);
    expect(trace()).toBe('x');
    applyAcceleration({ features: { handler_lookup: 'off' } });
    const rows = () => Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r.state]));
    expect(rows()['litellm.getHandler']).toBe('off');
    expect(rows()['test.getHandler-outer']).toBe('applied');
    expect(trace()).toBe('x');
    // What the outer row wraps now is the original itself: no guard of handler_lookup left beneath it.
    expect(mod.getHandler).not.toBe(original);
    applyAcceleration({ features: { streaming: 'off' } });
    expect(mod.getHandler).toBe(original);
    applyAcceleration({ features: { handler_lookup: 'on', streaming: 'on' } });
    expect(rows()['litellm.getHandler']).toBe('applied');
    expect(rows()['test.getHandler-outer']).toBe('applied');
    applyAcceleration({ features: { streaming: 'off' } });
    expect(rows()['test.getHandler-outer']).toBe('off');
    expect(mod.getHandler).not.toBe(original);
    applyAcceleration({ features: { handler_lookup: 'off' } });
    expect(mod.getHandler).toBe(original);
    await removeAcceleration();
    expect(mod.getHandler).toBe(original);
  });
});
