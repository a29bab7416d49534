import { createRequire } from 'node:module';

// Replaces litellm's utils/encoders.js, which builds js-tiktoken's cl100k encoder at import (most of
// the time `require('litellm')` takes). Same export, same object, built on first use instead, from
// the js-tiktoken that litellm itself resolves.
export function createExports(originalFilename: string): object {
  const requireFromLitellm = createRequire(originalFilename);
  let encoder: unknown;
  const exports = {};
  Object.defineProperty(exports, '__esModule', { value: true });
  Object.defineProperty(exports, 'encoderCl100K', {
    enumerable: true,
    get() {
      encoder ??= (requireFromLitellm('js-tiktoken') as { getEncoding(name: string): unknown }).getEncoding('cl100k_base');
      return encoder;
    },
  });
  return exports;
}
