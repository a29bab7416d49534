import { BodySource, FastBody } from './body';
import type { FetchFlavour } from './fetch-flavour';
import { FastHeaders, type RawHeaders } from './headers';

export { FastHeaders } from './headers';
export { FastBody } from './body';

/** What a finished request hands to a response class. */
export interface ResponseParts {
  status: number;
  statusText: string;
  headers: RawHeaders;
  /** null for HEAD and null-body statuses, as fetch's body is. */
  source: BodySource | null;
  /** The last URL of the redirect chain. */
  url: string;
  redirected: boolean;
  /** BOM and json() rules of the fetch stood in for. */
  flavour: FetchFlavour;
}

const BOM = '\uFEFF';

function unusable(): TypeError {
  return new TypeError('Body is unusable: Body has already been read');
}

/** What the SDKs and litellm's handlers read from a fetch Response, over an undici.request result. */
export class FastResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly redirected: boolean;
  readonly type = 'basic';
  readonly headers: FastHeaders;
  readonly #source: BodySource | null;
  readonly #flavour: FetchFlavour;
  #body: FastBody | undefined;

  constructor(parts: ResponseParts) {
    this.status = parts.status;
    this.statusText = parts.statusText;
    this.ok = parts.status >= 200 && parts.status < 300;
    this.url = parts.url;
    this.redirected = parts.redirected;
    this.headers = new FastHeaders(parts.headers);
    this.#source = parts.source;
    this.#flavour = parts.flavour;
  }

  get body(): FastBody | null {
    if (this.#source === null) return null;
    return (this.#body ??= new FastBody(this.#source));
  }

  get bodyUsed(): boolean {
    return this.#source?.disturbed ?? false;
  }

  #all(): Promise<Buffer> {
    const s = this.#source;
    if (s === null) return Promise.resolve(Buffer.alloc(0));
    if (s.disturbed || this.#body?.locked === true) return Promise.reject(unusable());
    return s.readAll();
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const buf = await this.#all();
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    const buf = await this.#all();
    return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  }

  async text(): Promise<string> {
    const t = (await this.#all()).toString('utf8');
    return this.#flavour.stripBom && t.startsWith(BOM) ? t.slice(1) : t;
  }

  async json(): Promise<unknown> {
    return this.#flavour.parseJson(await this.text(), this.url);
  }

  get [Symbol.toStringTag](): string {
    return 'Response';
  }
}
