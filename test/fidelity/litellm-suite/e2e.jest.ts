// @ts-nocheck -- type-checked upstream (ts-jest, against litellm's src); here only transpiled, by ../runner.js.
// Origin: tests/e2e.test.ts of litellm 0.12.0
// (github zya/litellmjs at v0.12.0; the npm package ships it too, see node_modules/litellm/tests/).
// MIT License, Copyright (c) 2023 Ehsan Ziya: see LICENSE-litellmjs in this folder.
// Adapted: import paths ('../src' -> 'litellm', '../src/types' -> 'litellm/dist/src/types'); each table keeps
// only its ollama/llama2 row (the 3 offline cases); BASE_URL (env LITELLM_SUITE_MOCK_URL, the embedded mock,
// which speaks Ollama's /api/generate and /api/embeddings) is passed as baseUrl in the 3 calls.
// Bodies and expectations unchanged: ../litellm-suite.test.ts checks this file against the installed package.

import { completion, embedding } from 'litellm';
import { ResultStreaming } from 'litellm/dist/src/types';

const TIMEOUT = 30000;
const PROMPT = 'How are you today?';
// adapted: the embedded mock server stands in for Ollama
const BASE_URL = process.env.LITELLM_SUITE_MOCK_URL;

/**
 * @group e2e
 */
describe('e2e', () => {
  describe('completion', () => {
    it.each`
      model
      ${'ollama/llama2'}
    `(
      'gets response from supported model $model',
      async ({ model }) => {
        const result = await completion({
          model: model as string,
          baseUrl: BASE_URL, // adapted
          messages: [{ role: 'user', content: PROMPT }],
          stream: false,
        });
        expect(result).toBeTruthy();
        expect(result);
      },
      TIMEOUT,
    );

    it.each`
      model
      ${'ollama/llama2'}
    `(
      'gets streaming response from supported model $model',
      async ({ model }) => {
        const result: ResultStreaming = await completion({
          model: model as string,
          baseUrl: BASE_URL, // adapted
          messages: [{ role: 'user', content: PROMPT }],
          stream: true,
        });

        for await (const chunk of result) {
          expect(chunk.choices[0].delta.content).not.toBeNull();
        }
      },
      TIMEOUT,
    );
  });

  describe('embedding', () => {
    it.each`
      model
      ${'ollama/llama2'}
    `(
      'returns embedding models for $model',
      async ({ model }) => {
        const result = await embedding({
          model: model as string,
          baseUrl: BASE_URL, // adapted
          input: PROMPT,
        });

        expect(result.data.length).toBeGreaterThan(0);
      },
      TIMEOUT,
    );
  });
});
