import type { BodySource } from './body';
import { toWebHeaders } from './headers';
import type { ResponseParts } from './response';

// The `web` response mode: a real WHATWG Response (the global class) over the pooled request's body,
// for callers that check `instanceof Response`, tee or clone it, or hand it on (openai 5-7's
// asResponse()/withResponse()). The body is pulled chunk by chunk from the same BodySource as the
// fast mode, never buffered; so cancel, errors and garbage collection behave the same.

function webStream(source: BodySource): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        return source.read().then(
          (r) => {
            if (r.done) return controller.close();
            const b = r.value as Uint8Array;
            // fetch's chunks are plain Uint8Arrays; a view of the Buffer costs no copy.
            controller.enqueue(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
          },
          (err: unknown) => controller.error(err),
        );
      },
      cancel() {
        return source.cancel().catch(() => {});
      },
    },
    // Pull only when the consumer reads: nothing is read ahead into the web stream's queue.
    { highWaterMark: 0 },
  );
}

function define(res: Response, name: string, value: unknown): void {
  Object.defineProperty(res, name, { value, enumerable: false, configurable: true });
}

export function toWebResponse(parts: ResponseParts): Response {
  const body = parts.source === null ? null : webStream(parts.source);
  const headers = toWebHeaders(parts.headers);
  let res: Response;
  try {
    res = new Response(body, { status: parts.status, statusText: parts.statusText, headers });
  } catch {
    // A status the constructor refuses (outside 200-599) that fetch itself would pass on.
    res = new Response(body, { status: 200, statusText: parts.statusText, headers });
    define(res, 'status', parts.status);
    define(res, 'ok', false);
  }
  // A constructed Response has url '', redirected false and type 'default'; fetch's carry the request's.
  define(res, 'url', parts.url);
  define(res, 'type', 'basic');
  if (parts.redirected) define(res, 'redirected', true);
  return res;
}
