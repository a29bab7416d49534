// @ts-nocheck -- jest globals come from ../runner.js.
// The runner's own check: each of these has a known outcome (litellm-suite.test.ts asserts it), so a
// runner that passed everything, lost a test or ignored jest.mock would be caught.

const mockOpenAI = jest.fn();
// Hoisted above the imports (as ts-jest does); its factory runs at the first require of 'openai'.
jest.mock('openai', () => mockOpenAI);

import OpenAIDefault from 'openai';
import { MODEL_HANDLER_MAPPINGS } from 'litellm/dist/src/completion';

describe('selftest', () => {
  it('fails on a failed expect', () => {
    expect(1).toBe(2);
  });
  it('fails when expect.assertions is not met', async () => {
    expect.assertions(1);
  });
  it('fails on a timeout', () => new Promise(() => undefined), 50);
  it.each([
    [1, 'a'],
    [2, 'b'],
  ])('printf title %i %s', (n, s) => {
    expect(typeof n).toBe('number');
    expect(typeof s).toBe('string');
  });
  it.each`
    a    | b
    ${1} | ${'x'}
  `('template title $a $b', ({ a, b }) => {
    expect([a, b]).toEqual([1, 'x']);
  });
  it('hands litellm the stub, not the SDK', async () => {
    expect(OpenAIDefault).toBe(mockOpenAI);
    mockOpenAI.mockImplementation(() => ({ chat: { completions: { create: async () => 'stubbed' } } }));
    expect(await MODEL_HANDLER_MAPPINGS['gpt-'].call(null, { model: 'gpt-x', messages: [] })).toBe('stubbed');
    expect(mockOpenAI).toHaveBeenCalledTimes(1);
  });
});
