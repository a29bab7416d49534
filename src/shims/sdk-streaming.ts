import { type SseRules, sseJson } from '../accelerators/streaming/sse-json';
import type { AnyFn } from './guard';

// `replace` for an openai SDK's `Stream.fromSSEResponse(response, controller, client?, ...)`: the
// same Stream class, iterated by the fast reader, which hands anything beyond the common path to the
// SDK's own reader (called with every argument it was given).

type StreamClass = new (
  iterator: () => AsyncIterator<unknown>,
  controller: AbortController,
  client?: unknown,
) => unknown;

const isAbortError = (e: unknown): boolean =>
  typeof e === 'object' && e !== null
  && ((e as { name?: unknown }).name === 'AbortError' || String((e as { message?: unknown }).message).includes('FetchRequestCanceledException'));

/** openai 4, 5, 6 and 7.0: `[DONE]` by prefix, the rest of the stream read and ignored, aborts end quietly. */
export const SSE_PREFIX_DONE: SseRules = Object.freeze({
  isDone: (data: string) => data.startsWith('[DONE]'),
  afterDone: 'drain',
  quiet: (e: unknown) => isAbortError(e),
  stopOnAbort: false,
});

/**
 * Later openai 7: `[DONE]` exactly, then the body is cancelled; the reader stops once the signal
 * aborted; an abort error or the signal's own reason ends it quietly (the SDK's APIErrors never reach
 * this filter: they come from its own reader, after a hand-over, and pass through).
 */
export const SSE_EXACT_DONE: SseRules = Object.freeze({
  isDone: (data: string) => data === '[DONE]',
  afterDone: 'cancel',
  quiet: (e: unknown, signal: AbortSignal | undefined) =>
    isAbortError(e) || (signal?.aborted === true && e === signal.reason),
  stopOnAbort: true,
});

/**
 * Which rules the installed SDK's fromSSEResponse follows, read from its own code: the row is
 * skipped (setup throws) when it is neither shape it was checked against.
 */
export function sseRulesOf(original: AnyFn): SseRules {
  const src = Function.prototype.toString.call(original);
  if (src.includes(".data === '[DONE]'") && src.includes('receivedCompletionSentinel')) return SSE_EXACT_DONE;
  if (src.includes(".data.startsWith('[DONE]')")) return SSE_PREFIX_DONE;
  throw new Error('its fromSSEResponse is not one of the shapes checked (no known [DONE] rule)');
}

const EMPTY_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/**
 * The SDK's own "consumed stream" error (its class and message): a throw-away Stream of the SDK over
 * an empty body, iterated twice. Only reached when an app iterates one stream twice.
 */
async function* consumedError(original: AnyFn, Stream: unknown): AsyncGenerator<unknown> {
  const emptyResponse = { body: EMPTY_BODY, headers: new Headers() };
  const probe = original.call(Stream, emptyResponse, new AbortController()) as AsyncIterable<unknown>;
  for await (const _ of probe) { /* empty */ }
  yield* probe;
}

type Mode = 'v4' | 'v5+';

/**
 * @param mode 'v4': fromSSEResponse(response, controller); 'v5+': (response, controller, client,
 *   synthesizeEventData?, streamMode?). Streams asking for event envelopes or another stream mode go
 *   to the SDK as they are.
 */
export function fastFromSSEResponse(mode: Mode, fixedRules?: SseRules) {
  return (original: AnyFn, Stream: Record<string, unknown>): AnyFn => {
    const rules = fixedRules ?? sseRulesOf(original);
    return function fromSSEResponse(
      this: unknown,
      response: { body?: unknown; headers?: unknown },
      controller: AbortController,
    ) {
      const body = response?.body as AsyncIterable<unknown> | null | undefined;
      const args = arguments;
      const client = mode === 'v4' ? undefined : args[2];
      // No body, a body that is not async-iterable, a stand-in controller, event envelopes or another
      // stream mode: the SDK's own reader.
      if (typeof Stream !== 'function' || body == null || typeof body[Symbol.asyncIterator] !== 'function'
        || typeof controller?.abort !== 'function' || !(controller.signal instanceof AbortSignal)
        || (mode === 'v5+' && (args[3] || (args[4] !== undefined && args[4] !== 'legacy')))) {
        return original.apply(this, args as unknown as unknown[]);
      }
      let consumed = false;
      // A plain function returning the fast reader itself: a delegating generator here would add a
      // promise hop per chunk. The reader runs begin() at its first next(), where the SDK checks.
      const iterator = (): AsyncGenerator<unknown> => sseJson({
        body: body!,
        rules,
        signal: controller.signal,
        abort: () => controller.abort(),
        handOver: (rest) => {
          const rebuilt = [{ body: rest, headers: response.headers }, ...Array.prototype.slice.call(args, 1)];
          return original.apply(Stream, rebuilt) as AsyncIterable<unknown>;
        },
        begin: () => {
          if (!consumed) {
            consumed = true;
            return undefined;
          }
          if (mode === 'v4') throw new Error('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
          return consumedError(original, Stream);
        },
      });
      return mode === 'v4' ? new (Stream as unknown as StreamClass)(iterator, controller)
        : new (Stream as unknown as StreamClass)(iterator, controller, client);
    };
  };
}
