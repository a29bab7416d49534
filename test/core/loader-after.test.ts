import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { applyAcceleration, getPatchStatus, removeAcceleration } from '../../src/index';
import { isGuarded } from '../../src/shims/guard';

// litellm is loaded AFTER applyAcceleration() here (this file runs in its own process).
const require = createRequire(import.meta.url);

function litellmFiles(): string[] {
  return Object.keys(require.cache).filter((f) => f.includes('/node_modules/litellm/'));
}

describe('litellm loaded after applyAcceleration()', () => {
  it('patches on require and replaces the encoder module before it runs', async () => {
    expect(litellmFiles()).toEqual([]);
    applyAcceleration();
    const litellm = require('litellm');
    expect(typeof litellm.completion).toBe('function');
    const { getHandler } = require('litellm/dist/src/handlers/getHandler');
    expect(isGuarded(getHandler)).toBe(true);
    const encoders = require('litellm/dist/src/utils/encoders');
    const desc = Object.getOwnPropertyDescriptor(encoders, 'encoderCl100K');
    // Not built at import: a lazy getter instead of js-tiktoken's eager build.
    expect(typeof desc?.get).toBe('function');
    const enc = encoders.encoderCl100K;
    expect(enc).toBe(encoders.encoderCl100K);
    const { Tiktoken } = require(require.resolve('js-tiktoken', { paths: [require.resolve('litellm')] }));
    expect(enc).toBeInstanceOf(Tiktoken);
    expect(enc.encode('hello world').length).toBe(2);
    const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r]));
    expect(rows['litellm.getHandler'].state).toBe('applied');
    expect(rows['litellm.getHandler'].version).toBe('0.12.0');
    expect(rows['litellm.encoders'].state).toBe('applied');
  });

  it('after removeAcceleration(), later loads of litellm stay untouched', async () => {
    await removeAcceleration();
    for (const f of litellmFiles()) delete require.cache[f];
    const { getHandler } = require('litellm/dist/src/handlers/getHandler');
    expect(isGuarded(getHandler)).toBe(false);
    const encoders = require('litellm/dist/src/utils/encoders');
    expect(Object.getOwnPropertyDescriptor(encoders, 'encoderCl100K')?.get).toBeUndefined();
  });
});
