/**
 * Incremental newline-delimited JSON decoder. One streaming TextDecoder for the whole body, so a
 * multi-byte character split across network chunks decodes right, and a carry-over buffer, so a
 * JSON line split across chunks is parsed once whole.
 */
export class NdjsonDecoder {
  #decoder = new TextDecoder();
  #carry = '';

  /** Complete values in this chunk; an incomplete last line waits for the next chunk. */
  push(chunk: Uint8Array): unknown[] {
    const text = this.#carry + this.#decoder.decode(chunk, { stream: true });
    const out: unknown[] = [];
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      const line = text.slice(start, nl).trim();
      if (line !== '') out.push(JSON.parse(line));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.#carry = start === 0 ? text : text.slice(start);
    return out;
  }

  /** The last line when the body did not end with a newline. */
  flush(): unknown[] {
    const line = (this.#carry + this.#decoder.decode()).trim();
    this.#carry = '';
    return line === '' ? [] : [JSON.parse(line)];
  }
}
