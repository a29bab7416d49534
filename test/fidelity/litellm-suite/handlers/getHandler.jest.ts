// @ts-nocheck -- type-checked upstream (ts-jest, against litellm's src); here only transpiled, by ../runner.js.
// Origin: tests/handlers/getHandler.test.ts of litellm 0.12.0
// (github zya/litellmjs at v0.12.0; the npm package ships it too, see node_modules/litellm/tests/).
// MIT License, Copyright (c) 2023 Ehsan Ziya: see LICENSE-litellmjs in this folder.
// Adapted: import paths only ('../../src/<x>' -> 'litellm/dist/src/<x>').
// Bodies and expectations unchanged: ../litellm-suite.test.ts checks this file against the installed package.

import { MODEL_HANDLER_MAPPINGS } from 'litellm/dist/src/completion';
import { AI21Handler } from 'litellm/dist/src/handlers/ai21';
import { AnthropicHandler } from 'litellm/dist/src/handlers/anthropic';
import { CohereHandler } from 'litellm/dist/src/handlers/cohere';
import { DeepInfraHandler } from 'litellm/dist/src/handlers/deepinfra';
import { getHandler } from 'litellm/dist/src/handlers/getHandler';
import { MistralHandler } from 'litellm/dist/src/handlers/mistral';
import { OllamaHandler } from 'litellm/dist/src/handlers/ollama';
import { OpenAIHandler } from 'litellm/dist/src/handlers/openai';
import { ReplicateHandler } from 'litellm/dist/src/handlers/replicate';

describe('getHandler', () => {
  it.each([
    { model: 'claude-2', expectedHandler: AnthropicHandler },
    { model: 'claude-instant-1', expectedHandler: AnthropicHandler },
    { model: 'gpt-3.5-turbo', expectedHandler: OpenAIHandler },
    { model: 'openai/test', expectedHandler: OpenAIHandler },
    { model: 'ollama/llama2', expectedHandler: OllamaHandler },
    { model: 'command-nightly', expectedHandler: CohereHandler },
    { model: 'j2-light', expectedHandler: AI21Handler },
    { model: 'j2-mid', expectedHandler: AI21Handler },
    { model: 'j2-ultra', expectedHandler: AI21Handler },
    { model: 'j2-grande-instruct', expectedHandler: AI21Handler },
    { model: 'j2-mid-instruct', expectedHandler: AI21Handler },
    { model: 'j2-ultra-instruct', expectedHandler: AI21Handler },
    { model: 'replicate/test/test', expectedHandler: ReplicateHandler },
    { model: 'deepinfra/test/test', expectedHandler: DeepInfraHandler },
    { model: 'mistral/mistral-tiny', expectedHandler: MistralHandler },
    { model: 'unknown', expectedHandler: null },
  ])(
    'should return the correct handler for a given model name',
    ({ model, expectedHandler }) => {
      const handler = getHandler(model, MODEL_HANDLER_MAPPINGS);
      expect(handler).toBe(expectedHandler);
    },
  );
});
