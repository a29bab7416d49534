import { createRequire } from 'node:module';
import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import { applyAcceleration, getPatchStatus, removeAcceleration } from '../../src/index';
import { isGuarded } from '../../src/shims/guard';
import { mapsBuilt } from '../../src/shims/js-tiktoken';
import { startMockServer } from '../../src/mock';
import { redirectAnthropicSdk } from '../../src/mock/redirect';

// litellm is loaded AFTER applyAcceleration() here (this file runs in its own process).
const require = createRequire(import.meta.url);

function litellmFiles(): string[] {
  return Object.keys(require.cache).filter((f) => f.includes('/node_modules/litellm/'));
}

describe('litellm loaded after applyAcceleration()', () => {
  it("patches on require; litellm's encoder is made without js-tiktoken's build", async () => {
    expect(litellmFiles()).toEqual([]);
    applyAcceleration();
    const litellm = require('litellm');
    expect(typeof litellm.completion).toBe('function');
    const { getHandler } = require('litellm/dist/src/handlers/getHandler');
    expect(isGuarded(getHandler)).toBe(true);
    const encoders = require('litellm/dist/src/utils/encoders');
    // encoders.js ran its own code: getEncoding('cl100k_base') made js-tiktoken's encoder without its maps.
    expect(Object.getOwnPropertyDescriptor(encoders, 'encoderCl100K')?.get).toBeUndefined();
    const enc = encoders.encoderCl100K;
    const { Tiktoken } = require(require.resolve('js-tiktoken', { paths: [require.resolve('litellm')] }));
    expect(enc).toBeInstanceOf(Tiktoken);
    expect(mapsBuilt(enc)).toBe(false);
    expect(enc.encode('hello world').length).toBe(2);
    expect(mapsBuilt(enc)).toBe(false);
    const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r]));
    expect(rows['litellm.getHandler'].state).toBe('applied');
    expect(rows['litellm.getHandler'].version).toBe('0.12.0');
    expect(rows['js-tiktoken.getEncoding'].state).toBe('applied');
  });

  it('defers the provider SDKs litellm loads at import until a call needs them', async () => {
    const sdkLoaded = (name: string) => Object.keys(require.cache).some((f) => f.includes(`/node_modules/${name}/`));
    // openai is not deferred (its first request would pay for it); the others are.
    expect(sdkLoaded('@anthropic-ai/sdk')).toBe(false);
    expect(sdkLoaded('cohere-ai')).toBe(false);
    const rows = Object.fromEntries(getPatchStatus().rows.map((r) => [r.id, r.state]));
    expect(rows['litellm.anthropic.lazy:@anthropic-ai/sdk']).toBe('applied');
    expect(rows['litellm.cohere.lazy:cohere-ai']).toBe('applied');
    const anthropic = require('litellm/dist/src/handlers/anthropic');
    const mock = await startMockServer();
    const undo = redirectAnthropicSdk(mock.url);
    try {
      const res = await anthropic.AnthropicHandler({ model: 'claude-2', apiKey: 'sk-test', messages: [{ role: 'user', content: 'hi' }] });
      expect(res.choices[0].message.role).toBe('assistant');
      expect(sdkLoaded('@anthropic-ai/sdk')).toBe(true);
    } finally {
      undo();
      await mock.close();
    }
    // The app's own require gets the real module, never the stand-in.
    const Anthropic = require('@anthropic-ai/sdk');
    expect(typeof Anthropic).toBe('function');
    expect(types.isProxy(Anthropic)).toBe(false);
    expect(Anthropic.name).toBe('Anthropic');
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
