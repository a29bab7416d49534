import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { applyAcceleration, getPatchStatus, removeAcceleration, getPerformanceStats } from '../../src/index';
import { isGuarded } from '../../src/shims/guard';

// litellm is loaded BEFORE applyAcceleration() here; loader-after.test.ts covers the other order.
const require = createRequire(import.meta.url);
const getHandlerModule = require('litellm/dist/src/handlers/getHandler');
const { MODEL_HANDLER_MAPPINGS } = require('litellm/dist/src/completion');
const handlers = {
  anthropic: require('litellm/dist/src/handlers/anthropic').AnthropicHandler,
  openai: require('litellm/dist/src/handlers/openai').OpenAIHandler,
  ollama: require('litellm/dist/src/handlers/ollama').OllamaHandler,
  cohere: require('litellm/dist/src/handlers/cohere').CohereHandler,
};
const originalGetHandler = getHandlerModule.getHandler;

// litellm's own getHandler cases (tests/handlers/getHandler.test.ts in litellmjs) plus odd models.
const CASES = [
  ['claude-2', handlers.anthropic],
  ['gpt-3.5-turbo', handlers.openai],
  ['ollama/llama2', handlers.ollama],
  ['command-nightly', handlers.cohere],
  ['unknown', null],
] as const;
const ODD_MODELS = ['', 'GPT-4', 'my-gpt-4', 'x/ollama/llama', 'openai/gpt-4o', 'mistral/tiny', 'deepinfra/m', 'replicate/a', 'j2-mid', 'commander', '🙂gpt-', 'a'.repeat(10_000)];

afterAll(async () => {
  await removeAcceleration();
});

describe('litellm loaded before applyAcceleration()', () => {
  it('patches the loaded module and gives the original answers', () => {
    applyAcceleration();
    const patched = getHandlerModule.getHandler;
    expect(patched).not.toBe(originalGetHandler);
    expect(isGuarded(patched)).toBe(true);
    for (const [model, expected] of CASES) expect(patched(model, MODEL_HANDLER_MAPPINGS)).toBe(expected);
    for (const model of [...ODD_MODELS, ...CASES.map((c) => c[0])]) {
      expect(patched(model, MODEL_HANDLER_MAPPINGS)).toBe(originalGetHandler(model, MODEL_HANDLER_MAPPINGS));
    }
    expect(getPerformanceStats('litellm.getHandler')['litellm.getHandler'].accelerated).toBeGreaterThan(0);
  });

  it('follows a mapping changed at run time, like the original', () => {
    const mapping: Record<string, string> = { 'gpt-': 'a' };
    expect(getHandlerModule.getHandler('gpt-4', mapping)).toBe('a');
    delete mapping['gpt-'];
    mapping['gp.-'] = 'b';
    expect(getHandlerModule.getHandler('gpt-4', mapping)).toBe('b');
    expect(originalGetHandler('gpt-4', mapping)).toBe('b');
  });

  it('keeps the original errors for bad input', () => {
    const patched = getHandlerModule.getHandler;
    for (const bad of [undefined, null, 42]) {
      let expected: unknown;
      try { originalGetHandler(bad, MODEL_HANDLER_MAPPINGS); } catch (e) { expected = (e as Error).message; }
      expect(() => patched(bad, MODEL_HANDLER_MAPPINGS)).toThrowError(expected as string);
    }
    expect(() => patched('x', { '(': 1 })).toThrowError(SyntaxError);
  });

  it('apply twice is harmless: the same wrapper, no double wrapping', () => {
    const first = getHandlerModule.getHandler;
    applyAcceleration();
    expect(getHandlerModule.getHandler).toBe(first);
  });

  it("litellm's encoder, built by js-tiktoken before the acceleration, stays js-tiktoken's (the encode row leaves it)", () => {
    const row = getPatchStatus().rows.find((r) => r.id === 'js-tiktoken.index.Tiktoken.prototype.encode');
    expect(row?.state).toBe('applied');
    const { encoderCl100K } = require('litellm/dist/src/utils/encoders');
    expect(encoderCl100K.rankMap.size).toBeGreaterThan(100_000);
    expect(encoderCl100K.encode('hello world')).toEqual([15339, 1917]);
    expect(() => encoderCl100K.encode('<|endoftext|>')).toThrow('The text contains a special token that is not allowed');
  });

  it('removeAcceleration() restores the identical original', async () => {
    await removeAcceleration();
    expect(getHandlerModule.getHandler).toBe(originalGetHandler);
    expect(getPatchStatus().rows.find((r) => r.id === 'litellm.getHandler')?.state).toBe('removed');
    applyAcceleration();
    expect(isGuarded(getHandlerModule.getHandler)).toBe(true);
    await removeAcceleration();
    expect(getHandlerModule.getHandler).toBe(originalGetHandler);
  });

  it('leaves a function someone else re-patched after us in place', async () => {
    applyAcceleration();
    const theirs = () => 'theirs';
    getHandlerModule.getHandler = theirs;
    await removeAcceleration();
    expect(getHandlerModule.getHandler).toBe(theirs);
    expect(getPatchStatus().rows.find((r) => r.id === 'litellm.getHandler')?.reason).toMatch(/replaced by someone else/);
    getHandlerModule.getHandler = originalGetHandler;
  });
});
