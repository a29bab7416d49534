/** One server-sent event, as the openai SDK's SSEDecoder reports it. */
export interface SseMessage {
  event: string | null;
  data: string;
  raw: string[];
}

/**
 * Incremental SSE decoder with the openai v4 SDK's exact line and field rules (lines end at \n,
 * \r\n or a lone \r; `:` comments; one leading space stripped from values; `event` and `data`
 * fields; an event ends at an empty line), over one streaming TextDecoder and a string carry-over
 * instead of the SDK's byte-array copies per chunk.
 */
export class SseDecoder {
  #decoder = new TextDecoder();
  #carry = '';
  #event: string | null = null;
  #data: string[] = [];
  #raw: string[] = [];

  push(chunk: Uint8Array): SseMessage[] {
    return this.#split(this.#carry + this.#decoder.decode(chunk, { stream: true }), false);
  }

  /** The last line when the body did not end with a newline (an event still needs its empty line). */
  flush(): SseMessage[] {
    const text = this.#carry + this.#decoder.decode();
    this.#carry = '';
    return text === '' ? [] : this.#split(`${text}\n`, true);
  }

  #split(text: string, final: boolean): SseMessage[] {
    const out: SseMessage[] = [];
    let start = 0;
    const n = text.length;
    for (let i = start; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 13) {
        // A \r at the end of what we have may be the first half of \r\n: wait for the next chunk.
        if (i + 1 === n && !final) break;
        this.#line(text.slice(start, i), out);
        if (text.charCodeAt(i + 1) === 10) i++;
      } else {
        this.#line(text.slice(start, i), out);
      }
      start = i + 1;
    }
    this.#carry = text.slice(start);
    return out;
  }

  #line(line: string, out: SseMessage[]): void {
    if (line === '') {
      if (this.#event === null && this.#data.length === 0) return;
      out.push({ event: this.#event, data: this.#data.join('\n'), raw: this.#raw });
      this.#event = null;
      this.#data = [];
      this.#raw = [];
      return;
    }
    this.#raw.push(line);
    if (line.charCodeAt(0) === 58 /* : */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
  }
}
