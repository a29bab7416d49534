import type { Readable } from 'node:stream';
import type { BodyReadKind } from './fetch-flavour';

// One response body over undici's Node stream, read as fetch's ReadableStream is read: getReader(),
// async iteration, or whole. Every way a consumer stops gives the socket back: cancel(), return() or
// throw() of an iterator (a `for await` left by break or by an error), and garbage collection of
// every object handed out (response, body, reader, iterator) before the end, as fetch does.

export interface ReadResult {
  done: boolean;
  value: Uint8Array | undefined;
}

/** Maps a stream error (already checked against the caller's abort signal) to what fetch throws. */
export type BodyErrorMap = (err: unknown, how: BodyReadKind) => unknown;

const OPEN = 0;
const DONE = 1;
const ERRORED = 2;
const noop = (): void => {};

/**
 * Streams whose consumers were all collected before the end. The registry holds the stream only; the
 * target is the BodySource, which every consumer object references and the stream never does.
 */
const abandoned = new FinalizationRegistry<Readable>((stream) => {
  if (stream.destroyed) return;
  stream.on('error', noop);
  stream.destroy();
});

/** What the stream's listeners can reach: the pending read's callback while one is pending, nothing else. */
interface Wakeup {
  fn: (() => void) | undefined;
}

// Module-level, so the listeners' closures capture nothing of a BodySource or its consumers.
function listen(stream: Readable): Wakeup {
  const w: Wakeup = { fn: undefined };
  const fire = (): void => {
    const f = w.fn;
    if (f === undefined) return;
    w.fn = undefined;
    f();
  };
  stream.on('readable', fire);
  stream.on('end', fire);
  stream.on('error', fire);
  stream.on('close', fire);
  return w;
}

/** The transport has pushed the whole body into the stream (its end is buffered, not yet read). */
function receivedWhole(stream: Readable): boolean {
  return (stream as { _readableState?: { ended?: boolean } })._readableState?.ended === true;
}

export function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** The whole body; events rather than for-await (the async iterator costs a promise per chunk). */
function collect(stream: Readable): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    if (stream.errored != null) return reject(stream.errored);
    if (stream.destroyed) return reject(prematureClose());
    const parts: Buffer[] = [];
    let ended = false;
    stream.on('data', (part: Buffer) => { parts.push(part); });
    stream.once('end', () => {
      ended = true;
      resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    });
    stream.once('error', reject);
    stream.once('close', () => { if (!ended) reject(stream.errored ?? prematureClose()); });
  });
}

/**
 * The state of one body, shared by the response, the body, its readers and iterators. With `lines`,
 * every chunk ends at a '\n' byte: a partial last line is held until more bytes arrive or the body
 * ends (never a complete line), so a reader that decodes and parses each chunk alone sees whole
 * lines and whole UTF-8 characters. On an error, held bytes come out first, then the error.
 */
export class BodySource {
  readonly #stream: Readable;
  readonly #mapError: BodyErrorMap;
  readonly #lines: boolean;
  #wake: Wakeup | undefined;
  #held: Buffer[] | undefined;
  #state = OPEN;
  #error: unknown;
  #disturbed = false;
  #registered = false;
  #closed: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | undefined;

  constructor(stream: Readable, mapError: BodyErrorMap, lines: boolean) {
    this.#stream = stream;
    this.#mapError = mapError;
    this.#lines = lines;
    // A body already received whole has given its socket back: nothing to free on collection, and
    // registering costs ~5 µs a response (GC work), a sixth of a small request's CPU.
    if (!receivedWhole(stream)) {
      abandoned.register(this, stream, this);
      this.#registered = true;
    }
  }

  get disturbed(): boolean {
    return this.#disturbed;
  }

  read(): Promise<ReadResult> {
    this.#disturbed = true;
    try {
      const r = this.#poll();
      if (r !== undefined) return Promise.resolve(r);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<ReadResult>((resolve, reject) => this.#park(resolve, reject));
  }

  #park(resolve: (r: ReadResult) => void, reject: (e: unknown) => void): void {
    const wake = (this.#wake ??= listen(this.#stream));
    wake.fn = () => {
      try {
        const r = this.#poll();
        if (r === undefined) this.#park(resolve, reject);
        else resolve(r);
      } catch (err) {
        reject(err);
      }
    };
  }

  /** The next result if there is one now; throws the mapped error; undefined means wait. */
  #poll(): ReadResult | undefined {
    if (this.#state === DONE) return { done: true, value: undefined };
    if (this.#state === ERRORED) throw this.#error;
    const s = this.#stream;
    for (;;) {
      const chunk = s.destroyed ? null : (s.read() as Buffer | null);
      if (chunk === null) break;
      if (!this.#lines) return { done: false, value: chunk };
      const out = this.#cut(chunk);
      if (out !== undefined) return { done: false, value: out };
    }
    if (s.errored != null) return this.#fail(this.#mapError(s.errored, 'stream'));
    if (s.readableEnded) {
      const rest = this.#takeHeld();
      if (rest !== undefined) return { done: false, value: rest };
      this.#settle(DONE, undefined);
      return { done: true, value: undefined };
    }
    if (s.destroyed) return this.#fail(this.#mapError(prematureClose(), 'stream'));
    return undefined;
  }

  #fail(error: unknown): ReadResult {
    const rest = this.#takeHeld();
    this.#settle(ERRORED, error);
    if (rest !== undefined) return { done: false, value: rest };
    throw error;
  }

  /** Complete lines of this chunk (with what was held before them); the rest is held. */
  #cut(chunk: Buffer): Buffer | undefined {
    const nl = chunk.lastIndexOf(10);
    if (nl === -1) {
      (this.#held ??= []).push(chunk);
      return undefined;
    }
    const whole = nl === chunk.length - 1;
    const head = whole ? chunk : chunk.subarray(0, nl + 1);
    const held = this.#held;
    this.#held = whole ? undefined : [chunk.subarray(nl + 1)];
    return held === undefined ? head : Buffer.concat([...held, head]);
  }

  #takeHeld(): Buffer | undefined {
    const held = this.#held;
    this.#held = undefined;
    if (held === undefined) return undefined;
    return held.length === 1 ? held[0] : Buffer.concat(held);
  }

  #settle(state: typeof DONE | typeof ERRORED, error: unknown): void {
    this.#state = state;
    this.#error = error;
    if (this.#registered) {
      this.#registered = false;
      abandoned.unregister(this);
    }
    const c = this.#closed;
    if (c !== undefined) {
      if (state === DONE) c.resolve();
      else c.reject(error);
    }
  }

  /** Stops reading: destroys the stream, so undici aborts the request and frees the socket. */
  cancel(): Promise<void> {
    this.#disturbed = true;
    if (this.#state === ERRORED) return Promise.reject(this.#error);
    if (this.#state === OPEN) {
      this.#held = undefined;
      this.#settle(DONE, undefined);
      const s = this.#stream;
      if (receivedWhole(s)) {
        // Its socket is back in the pool already: let the buffered rest flow out and end. destroy()
        // here would build a RequestAbortedError (and its stack) for nothing, on every openai 7
        // stream, whose reader cancels the body right after `[DONE]`.
        s.on('error', noop);
        s.resume();
      } else if (!s.destroyed) {
        s.on('error', noop);
        s.destroy();
      }
    }
    return Promise.resolve();
  }

  /** Settles when the body ends (resolves), is cancelled (resolves) or fails (rejects, marked handled). */
  get closed(): Promise<void> {
    if (this.#closed === undefined) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
      promise.catch(noop);
      this.#closed = { promise, resolve, reject };
      if (this.#state === DONE) resolve();
      else if (this.#state === ERRORED) reject(this.#error);
    }
    return this.#closed.promise;
  }

  /** The whole body (text(), json(), arrayBuffer()). */
  readAll(): Promise<Buffer> {
    this.#disturbed = true;
    if (this.#state === DONE) return Promise.resolve(Buffer.alloc(0));
    if (this.#state === ERRORED) return Promise.reject(this.#error);
    return collect(this.#stream).then(
      (buf) => {
        this.#settle(DONE, undefined);
        return buf;
      },
      (err: unknown) => {
        const e = this.#mapError(err, 'whole');
        this.#settle(ERRORED, e);
        throw e;
      },
    );
  }
}

function invalidState(message: string): TypeError {
  return Object.assign(new TypeError(`Invalid state: ${message}`), { code: 'ERR_INVALID_STATE' });
}

/** ReadableStreamDefaultReader's surface over a BodySource. */
export class FastReader {
  #source: BodySource | undefined;
  #unlock: (() => void) | undefined;
  #closed: Promise<void>;

  constructor(source: BodySource, unlock: () => void) {
    this.#source = source;
    this.#unlock = unlock;
    this.#closed = source.closed;
  }

  read(): Promise<ReadResult> {
    const s = this.#source;
    return s === undefined ? Promise.reject(invalidState('The reader is not attached to a stream')) : s.read();
  }

  cancel(_reason?: unknown): Promise<void> {
    const s = this.#source;
    return s === undefined ? Promise.reject(invalidState('The reader is not attached to a stream')) : s.cancel();
  }

  releaseLock(): void {
    if (this.#source === undefined) return;
    this.#source = undefined;
    const unlock = this.#unlock;
    this.#unlock = undefined;
    unlock?.();
    const p = Promise.reject(invalidState('The reader was released'));
    p.catch(noop);
    this.#closed = p;
  }

  get closed(): Promise<void> {
    return this.#closed;
  }
}

/** A ReadableStream async iterator: return() and throw() cancel (unless preventCancel) and release the lock. */
export class FastIterator implements AsyncIterableIterator<Uint8Array> {
  readonly #reader: FastReader;
  readonly #preventCancel: boolean;
  #finished = false;

  constructor(reader: FastReader, preventCancel: boolean) {
    this.#reader = reader;
    this.#preventCancel = preventCancel;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#finished) return Promise.resolve({ done: true, value: undefined });
    return this.#reader.read() as Promise<IteratorResult<Uint8Array>>;
  }

  #stop(): Promise<void> {
    if (this.#finished) return Promise.resolve();
    this.#finished = true;
    const done = this.#preventCancel ? Promise.resolve() : this.#reader.cancel().catch(noop);
    return done.then(() => this.#reader.releaseLock());
  }

  return(value?: unknown): Promise<IteratorResult<Uint8Array>> {
    return this.#stop().then(() => ({ done: true, value: value as undefined }));
  }

  throw(err?: unknown): Promise<IteratorResult<Uint8Array>> {
    return this.#stop().then(() => { throw err; });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** The body as the SDKs and litellm's handlers use it: async iterable of bytes, or getReader(). */
export class FastBody {
  readonly #source: BodySource;
  #locked = false;

  constructor(source: BodySource) {
    this.#source = source;
  }

  get locked(): boolean {
    return this.#locked;
  }

  getReader(options?: { mode?: string }): FastReader {
    if (options?.mode !== undefined) {
      throw Object.assign(new TypeError(`The "mode" option is not supported here: ${String(options.mode)}`), { code: 'ERR_INVALID_ARG_VALUE' });
    }
    if (this.#locked) throw invalidState('ReadableStream is locked');
    this.#locked = true;
    return new FastReader(this.#source, () => { this.#locked = false; });
  }

  values(options?: { preventCancel?: boolean }): FastIterator {
    return new FastIterator(this.getReader(), options?.preventCancel === true);
  }

  [Symbol.asyncIterator](): FastIterator {
    return this.values();
  }

  cancel(_reason?: unknown): Promise<void> {
    if (this.#locked) return Promise.reject(invalidState('ReadableStream is locked'));
    return this.#source.cancel();
  }
}
