// The common path of an SDK's server-sent-events reader, fast: whole events are cut from the bytes
// without the per-chunk copies, and unnamed events whose data is a JSON value without an `error` are
// parsed and yielded. The first event it does not take as is (a named event, an error payload, data
// that is not JSON, CR line ends, a BOM, a last event without its blank line) hands the rest of the
// stream, from that event on, to the library's own reader, so every rule beyond the common path (its
// errors, its logs, its EOF rule) stays the library's.

/** What differs between the SDK readers on the common path. */
export interface SseRules {
  /** The data that ends a stream ('[DONE]'). */
  isDone(data: string): boolean;
  /**
   * After the end: 'drain' reads the rest and ignores it (openai 4-6, early 7); 'cancel' stops
   * reading and cancels the body without aborting the request (later openai 7).
   */
  afterDone: 'drain' | 'cancel';
  /** A read error that ends the stream quietly (the caller aborted). */
  quiet(err: unknown, signal: AbortSignal | undefined): boolean;
  /** Stop, quietly, as soon as the request's signal has aborted (later openai 7 checks between events). */
  stopOnAbort: boolean;
}

export interface SseJsonSource {
  body: AsyncIterable<unknown>;
  rules: SseRules;
  /** The request's signal (the SDK's controller). */
  signal?: AbortSignal;
  /** Stops the request (the SDKs abort their controller when a reader stops early). */
  abort(): void;
  /** The library's own reader over the rest of the stream: its values and errors pass through as they are. */
  handOver(rest: AsyncIterable<Uint8Array>): AsyncIterable<unknown>;
  /**
   * Called at the first next(), as the SDKs' generators check "consumed" there: what to yield
   * instead of the stream (the SDK's consumed-stream error), or undefined to read it; what it
   * throws rejects that next().
   */
  begin?(): AsyncIterable<unknown> | undefined;
}

const LF = 10;
const CR = 13;
const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder();

function toBytes(chunk: unknown): Uint8Array | undefined {
  if (chunk == null) return undefined;
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  return undefined;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const nonEmpty = parts.filter((p) => p.length > 0);
  return nonEmpty.length === 1 ? nonEmpty[0] : nonEmpty.length === 0 ? EMPTY : Buffer.concat(nonEmpty);
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

/** Cuts a byte stream into whole events, each with its blank line (the SDKs' iterSSEChunks); the rest waits. */
class EventCutter {
  #rest: Uint8Array = EMPTY;

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

const NOT_TAKEN = Symbol('not taken');
const NO_MESSAGE = Symbol('no message');

/**
 * One whole event with LF line ends: its data, NO_MESSAGE when the SDK's decoder would emit nothing
 * (comments, id or retry lines only), NOT_TAKEN for anything else (CR, BOM, an `event` field).
 * Field rules as the SDKs' SSEDecoder: `:` comments, one leading space stripped, `data` lines joined.
 */
function eventData(bytes: Uint8Array): string | typeof NO_MESSAGE | typeof NOT_TAKEN {
  const text = utf8.decode(bytes);
  if (text.includes('\r') || text.includes('\uFEFF')) return NOT_TAKEN;
  let data: string | undefined;
  let start = 0;
  // The text ends with "\n\n": every line before the blank one is a field or a comment.
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === start || nl === -1) break;
    if (text.charCodeAt(start) !== 58 /* : */) {
      const colon = text.indexOf(':', start);
      const hasValue = colon !== -1 && colon < nl;
      const field = hasValue ? text.slice(start, colon) : text.slice(start, nl);
      if (field === 'event') return NOT_TAKEN;
      if (field === 'data') {
        let v = hasValue ? colon + 1 : nl;
        if (text.charCodeAt(v) === 32) v++;
        const value = text.slice(v, nl);
        data = data === undefined ? value : `${data}\n${value}`;
      }
    }
    start = nl + 1;
  }
  return data === undefined ? NO_MESSAGE : data;
}

function parse(data: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return NOT_TAKEN;
  }
  return value !== null && typeof value === 'object' && (value as { error?: unknown }).error ? NOT_TAKEN : value;
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

export async function* sseJson(src: SseJsonSource): AsyncGenerator<unknown> {
  const instead = src.begin?.();
  if (instead !== undefined) {
    yield* instead;
    return;
  }
  const { rules, signal } = src;
  const cutter = new EventCutter();
  const it = src.body[Symbol.asyncIterator]();
  // Events the SDK's decoder would emit nothing for: its raw lines carry over to the next event.
  const carried: Uint8Array[] = [];
  let done = false;
  let rest: AsyncIterable<unknown> | undefined;
  try {
    read: for (;;) {
      const r = await it.next();
      if (r.done) break;
      const bytes = toBytes(r.value);
      if (bytes === undefined) continue;
      const events = cutter.push(bytes);
      for (let i = 0; i < events.length; i++) {
        if (done) continue;
        if (rules.stopOnAbort && signal?.aborted) {
          done = true;
          return;
        }
        const data = eventData(events[i]);
        if (data === NO_MESSAGE) {
          carried.push(events[i]);
          continue;
        }
        if (data !== NOT_TAKEN && rules.isDone(data)) {
          done = true;
          if (rules.afterDone === 'cancel') {
            await Promise.resolve(it.return?.()).catch(() => undefined);
            return;
          }
          continue;
        }
        const value = data === NOT_TAKEN ? NOT_TAKEN : parse(data);
        if (value === NOT_TAKEN) {
          rest = src.handOver(restOf(concat([...carried, ...events.slice(i), cutter.rest]), it));
          break read;
        }
        carried.length = 0;
        yield value;
      }
    }
    if (rest === undefined && !done && cutter.rest.some((c) => c !== LF && c !== CR)) {
      rest = src.handOver(restOf(concat([...carried, cutter.rest]), it));
    }
    if (rest === undefined) done = true;
  } catch (e) {
    if (rules.quiet(e, signal)) {
      done = true;
      return;
    }
    throw e;
  } finally {
    if (!done && rest === undefined) src.abort();
  }
  // The SDK's reader from here on: its values, errors, quiet ends and aborts are its own.
  if (rest !== undefined) yield* rest;
}
