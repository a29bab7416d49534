import { sseJson } from '../accelerators/streaming/sse-json';
import type { AnyFn } from './guard';

// `replace` for an SDK's `Stream.fromSSEResponse(response, controller)` (openai): the same Stream,
// iterated by the fast reader, which hands anything beyond the common path to the SDK's own reader.

type StreamClass = new (iterator: () => AsyncIterator<unknown>, controller: AbortController) => unknown;

const CONSUMED = 'Cannot iterate over a consumed stream, use `.tee()` to split the stream.';

export function fastFromSSEResponse(isDone: (data: string) => boolean) {
  return (original: AnyFn, Stream: Record<string, unknown>): AnyFn =>
    function fromSSEResponse(this: unknown, response: { body?: unknown; headers?: unknown }, controller: AbortController) {
      const body = response?.body as AsyncIterable<unknown> | null | undefined;
      // No body, a body that is not async-iterable, a stand-in controller: the SDK's own reader.
      if (typeof Stream !== 'function' || body == null || typeof body[Symbol.asyncIterator] !== 'function' || typeof controller?.abort !== 'function') {
        return original.call(this, response, controller);
      }
      let consumed = false;
      async function* iterator(): AsyncGenerator<unknown> {
        if (consumed) throw new Error(CONSUMED);
        consumed = true;
        yield* sseJson({
          body: body!,
          abort: () => controller.abort(),
          isDone,
          handOver: (rest) => original.call(Stream, { body: rest, headers: response.headers }, controller) as AsyncIterable<unknown>,
        });
      }
      return new (Stream as unknown as StreamClass)(iterator, controller);
    };
}
