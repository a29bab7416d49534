import { SseDecoder } from '../pool/sse';

// The common path of an SDK's server-sent-events reader, fast: whole events are cut from the bytes
// without the per-chunk copies, unnamed events with JSON data are parsed and yielded. The first
// event it does not take as is (a named event, an error payload, data that is not JSON, a last event
// without its blank line) hands the rest of the stream, from that event on, to the library's own
// reader, so every rule beyond the common path stays the library's.

export interface SseJsonSource {
  body: AsyncIterable<unknown>;
  /** Stops the request (the SDKs abort their controller when a reader stops early). */
  abort(): void;
  /** The library's own reader over the rest of the stream. */
  handOver(rest: AsyncIterable<Uint8Array>): AsyncIterable<unknown>;
  /** The data that ends a stream ('[DONE]'): later events are read and ignored, as the SDKs do. */
  isDone(data: string): boolean;
}

const LF = 10;
const CR = 13;

function toBytes(chunk: unknown): Uint8Array | undefined {
  if (chunk == null) return undefined;
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  return undefined;
}

/** Index just past the first blank line (\n\n, \r\r or \r\n\r\n) at or after `from`, or -1. */
function eventEnd(b: Uint8Array, from: number): number {
  for (let i = from; i < b.length - 1; i++) {
    const c = b[i];
    if (c === LF && b[i + 1] === LF) return i + 2;
    if (c === CR && b[i + 1] === CR) return i + 2;
    if (c === CR && b[i + 1] === LF && b[i + 2] === CR && b[i + 3] === LF) return i + 4;
  }
  return -1;
}

/** Cuts a byte stream into whole events, each with its blank line; what is left waits for more bytes. */
class EventCutter {
  #rest: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): Uint8Array[] {
    const b = this.#rest.length === 0 ? chunk : Buffer.concat([this.#rest, chunk]);
    const out: Uint8Array[] = [];
    // A blank line split across chunks starts up to 3 bytes back.
    let start = 0;
    let end = eventEnd(b, Math.max(0, this.#rest.length - 3));
    while (end !== -1) {
      out.push(b.subarray(start, end));
      start = end;
      end = eventEnd(b, start);
    }
    this.#rest = start === 0 ? b : b.subarray(start);
    return out;
  }

  get rest(): Uint8Array {
    return this.#rest;
  }
}

async function* restOf(head: Uint8Array, it: AsyncIterator<unknown>): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    if (head.length > 0) yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      const b = toBytes(r.value);
      if (b !== undefined) yield b;
    }
    finished = true;
  } finally {
    if (!finished) await it.return?.();
  }
}

const NOT_TAKEN = Symbol('not taken');

function take(event: string | null, data: string): unknown {
  if (event !== null) return NOT_TAKEN;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return NOT_TAKEN;
  }
  return value !== null && typeof value === 'object' && (value as { error?: unknown }).error ? NOT_TAKEN : value;
}

export async function* sseJson(src: SseJsonSource): AsyncGenerator<unknown> {
  const cutter = new EventCutter();
  const decoder = new SseDecoder();
  const it = src.body[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      const bytes = toBytes(r.value);
      if (bytes === undefined) continue;
      const events = cutter.push(bytes);
      for (let i = 0; i < events.length; i++) {
        if (done) continue;
        for (const m of decoder.push(events[i])) {
          if (src.isDone(m.data)) {
            done = true;
            continue;
          }
          const value = take(m.event, m.data);
          if (value === NOT_TAKEN) {
            const head = Buffer.concat([...events.slice(i), cutter.rest]);
            yield* src.handOver(restOf(head, it));
            done = true;
            return;
          }
          yield value;
        }
      }
    }
    if (!done && cutter.rest.some((c) => c !== LF && c !== CR)) {
      yield* src.handOver(restOf(cutter.rest, it));
    }
    done = true;
  } catch (e) {
    // A stream the caller aborted ends quietly, as the SDKs' own readers do.
    if (e instanceof Error && e.name === 'AbortError') return;
    throw e;
  } finally {
    if (!done) src.abort();
  }
}
