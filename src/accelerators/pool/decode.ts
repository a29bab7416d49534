import { type Readable, Transform, pipeline } from 'node:stream';
import zlib from 'node:zlib';

// Content decoding with fetch's (undici's) rules: codings applied last-first, an unknown coding
// leaves the body as sent, HEAD and null-body statuses are never decoded, at most 5 codings.

type RawHeaders = Record<string, string | string[] | undefined>;

const MAX_CODINGS = 5;
const NULL_BODY = new Set([101, 204, 205, 304]);
const zstd = (zlib as { createZstdDecompress?: (o?: object) => Transform }).createZstdDecompress;

const SYNC = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };

/** deflate is sent both zlib-wrapped and raw; the first byte tells which (as undici's InflateStream). */
class Inflate extends Transform {
  #inner: Transform | undefined;

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    let z = this.#inner;
    if (z === undefined) {
      if (chunk.length === 0) return callback();
      z = (chunk[0] & 0x0f) === 0x08 ? zlib.createInflate(SYNC) : zlib.createInflateRaw(SYNC);
      z.on('data', (d: Buffer) => this.push(d));
      z.on('error', (err) => this.destroy(err));
      this.#inner = z;
    }
    z.write(chunk, encoding, callback);
  }

  override _flush(callback: (err?: Error | null) => void): void {
    const z = this.#inner;
    if (z === undefined) return callback();
    z.once('end', () => callback());
    z.end();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.#inner?.destroy();
    callback(err);
  }
}

function decoder(coding: string): Transform | undefined {
  if (coding === 'gzip' || coding === 'x-gzip') return zlib.createGunzip(SYNC);
  if (coding === 'deflate') return new Inflate();
  if (coding === 'br') {
    const c = zlib.constants;
    return zlib.createBrotliDecompress({ flush: c.BROTLI_OPERATION_FLUSH, finishFlush: c.BROTLI_OPERATION_FLUSH });
  }
  if (coding === 'zstd' && zstd !== undefined) {
    const c = zlib.constants as unknown as Record<string, number>;
    return zstd({ flush: c.ZSTD_e_continue, finishFlush: c.ZSTD_e_end });
  }
  return undefined;
}

/** The body as fetch would expose it; an Error when fetch would refuse the response. */
export function decodeBody(stream: Readable, headers: RawHeaders, method: string, status: number): Readable | Error {
  const raw = headers['content-encoding'];
  if (raw === undefined || method === 'HEAD' || method === 'CONNECT' || NULL_BODY.has(status)) return stream;
  const codings = (typeof raw === 'string' ? raw : raw.join(',')).toLowerCase().split(',');
  if (codings.length > MAX_CODINGS) {
    return new Error(`too many content-encodings in response: ${codings.length}, maximum allowed is ${MAX_CODINGS}`);
  }
  const steps: Transform[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const d = decoder(codings[i].trim());
    if (d === undefined) {
      for (const s of steps) s.destroy();
      return stream;
    }
    steps.push(d);
  }
  // pipeline destroys every stage when one fails or the last is destroyed (a cancelled body).
  return pipeline([stream, ...steps], () => {}) as unknown as Readable;
}
