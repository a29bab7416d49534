import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

type RawHeaders = Record<string, string | string[] | undefined>;

/**
 * The read side of the WHATWG Headers interface over undici's plain header object (keys arrive
 * lower-cased). Building a real Headers costs more than the rest of the response handling.
 */
export class FastHeaders {
  readonly #raw: RawHeaders;
  constructor(raw: RawHeaders) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const v = this.#raw[name.toLowerCase()];
    if (v === undefined) return null;
    return typeof v === 'string' ? v : v.join(', ');
  }
  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined;
  }
  getSetCookie(): string[] {
    const v = this.#raw['set-cookie'];
    return v === undefined ? [] : typeof v === 'string' ? [v] : [...v];
  }
  entries(): IterableIterator<[string, string]> {
    return this.#list()[Symbol.iterator]();
  }
  /** Name-sorted pairs, as fetch's Headers iterates them (SDKs copy them once per response). */
  #list(): [string, string][] {
    const out: [string, string][] = [];
    for (const k of Object.keys(this.#raw).sort()) {
      const v = this.#raw[k];
      if (v === undefined) continue;
      // fetch keeps each set-cookie apart and joins other repeated headers.
      if (k === 'set-cookie' && typeof v !== 'string') for (const c of v) out.push([k, c]);
      else out.push([k, typeof v === 'string' ? v : v.join(', ')]);
    }
    return out;
  }
  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): IterableIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }
  forEach(fn: (value: string, key: string, parent: FastHeaders) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  get [Symbol.toStringTag](): string {
    return 'Headers';
  }
}

/** Turns a transport error while reading a body into what the replaced fetch would throw. */
export type BodyErrorMapper = (cause: unknown, url: string) => unknown;

/** fetch (undici) reports a body cut mid-way as TypeError('terminated'). */
export const fetchBodyError: BodyErrorMapper = (cause) => new TypeError('terminated', { cause });

function asBodyError(err: unknown, signal: AbortSignal | null | undefined, map: BodyErrorMapper, url: string): unknown {
  if (signal?.aborted) return signal.reason ?? err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  return map(err, url);
}

interface ReadResult {
  done: boolean;
  value: Uint8Array | undefined;
}

/** A body usable both as an async iterable of bytes (SDKs) and through getReader() (fetch users). */
export class FastBody {
  readonly #stream: Readable;
  readonly #mapError: (err: unknown) => unknown;
  #locked = false;

  constructor(stream: Readable, mapError: (err: unknown) => unknown) {
    this.#stream = stream;
    this.#mapError = mapError;
  }

  get locked(): boolean {
    return this.#locked;
  }

  #iterator(): AsyncIterator<Uint8Array> {
    if (this.#locked) throw new TypeError('ReadableStream is locked');
    this.#locked = true;
    return this.#stream[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const it = this.#iterator();
    const mapError = this.#mapError;
    return {
      next: () => it.next().catch((err: unknown) => { throw mapError(err); }),
      return: async () => {
        await it.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  getReader(): {
    read(): Promise<ReadResult>;
    releaseLock(): void;
    cancel(reason?: unknown): Promise<void>;
    closed: Promise<void>;
  } {
    const it = this.#iterator();
    const stream = this.#stream;
    const mapError = this.#mapError;
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    return {
      read: () =>
        it.next().then(
          (r) => (r.done ? { done: true, value: undefined } : { done: false, value: r.value as Uint8Array }),
          (err: unknown) => { throw mapError(err); },
        ),
      releaseLock: () => {},
      cancel: async () => {
        stream.destroy();
      },
      closed,
    };
  }

  cancel(): Promise<void> {
    this.#stream.destroy();
    return Promise.resolve();
  }
}

/** What the SDKs and litellm's handlers read from a fetch Response, over an undici.request result. */
export class FastResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly redirected = false;
  readonly type = 'basic';
  readonly headers: FastHeaders;
  readonly #stream: Readable;
  readonly #mapError: (err: unknown) => unknown;
  #body: FastBody | undefined;
  #used = false;

  constructor(
    status: number,
    rawHeaders: RawHeaders,
    stream: Readable,
    url: string,
    signal: AbortSignal | null | undefined,
    mapBodyError: BodyErrorMapper = fetchBodyError,
    statusText = '',
  ) {
    this.status = status;
    this.statusText = statusText;
    this.ok = status >= 200 && status < 300;
    this.url = url;
    this.headers = new FastHeaders(rawHeaders);
    this.#mapError = (err) => asBodyError(err, signal, mapBodyError, url);
    this.#stream = decode(stream, rawHeaders['content-encoding']);
  }

  get body(): FastBody | null {
    if (this.#body === undefined) this.#body = new FastBody(this.#stream, this.#mapError);
    return this.#body;
  }

  get bodyUsed(): boolean {
    return this.#used || (this.#body?.locked ?? false);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const buf = await this.#consume();
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return (await this.#consume()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  #consume(): Promise<Buffer> {
    if (this.bodyUsed) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#used = true;
    const stream = this.#stream;
    const mapError = this.#mapError;
    // Events, not for-await: the async iterator costs a promise per chunk.
    return new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      let ended = false;
      stream.on('data', (part: Buffer) => { parts.push(part); });
      stream.once('end', () => {
        ended = true;
        resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts));
      });
      stream.once('error', (err) => reject(mapError(err)));
      stream.once('close', () => {
        if (!ended) reject(mapError(new Error('Premature close')));
      });
    });
  }
}

function decode(stream: Readable, encoding: string | string[] | undefined): Readable {
  if (encoding === undefined) return stream;
  const enc = (typeof encoding === 'string' ? encoding : encoding.join(',')).trim().toLowerCase();
  const make = enc === 'gzip' || enc === 'x-gzip' ? createGunzip : enc === 'deflate' ? createInflate
    : enc === 'br' ? createBrotliDecompress : undefined;
  if (make === undefined) return stream;
  const out = make();
  stream.on('error', (err) => out.destroy(err));
  out.on('close', () => { if (!stream.destroyed) stream.destroy(); });
  return stream.pipe(out);
}
