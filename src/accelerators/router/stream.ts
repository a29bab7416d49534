// A routed stream: the same chunks, plus the time of the first one and the end, so the call's
// slot, busy count and latency sample are released when the stream ends, throws, is returned
// from, or is dropped unfinished (then when it is garbage collected).

export interface StreamEnd {
  /** ms from the call's start to the first chunk (undefined: none came). */
  firstChunkMs?: number;
  /** Text of the streamed deltas (when asked to collect it) and the usage a chunk reported. */
  text: string;
  usage?: { total_tokens?: number; completion_tokens?: number };
  error?: unknown;
}

interface Tally {
  done: boolean;
  first?: number;
  text: string;
  usage?: StreamEnd['usage'];
  collect: boolean;
  started: number;
  now: () => number;
  onEnd: (end: StreamEnd) => void;
}

function finish(t: Tally, error?: unknown): void {
  if (t.done) return;
  t.done = true;
  const end: StreamEnd = { text: t.text };
  if (t.first !== undefined) end.firstChunkMs = t.first - t.started;
  if (t.usage !== undefined) end.usage = t.usage;
  if (error !== undefined) end.error = error;
  t.onEnd(end);
}

const dropped = new FinalizationRegistry<Tally>((t) => finish(t));

export function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return v !== null && typeof v === 'object'
    && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

export function trackStream(stream: AsyncIterable<unknown>, started: number, now: () => number, collect: boolean,
  onEnd: (end: StreamEnd) => void): AsyncIterableIterator<unknown> {
  const it = stream[Symbol.asyncIterator]();
  const t: Tally = { done: false, text: '', collect, started, now, onEnd };
  const wrapper: AsyncIterableIterator<unknown> = {
    async next(...args: [] | [unknown]) {
      let r: IteratorResult<unknown>;
      try {
        r = await it.next(...args);
      } catch (err) {
        finish(t, err);
        throw err;
      }
      if (r.done) {
        finish(t);
        return r;
      }
      if (t.first === undefined) t.first = t.now();
      const chunk = r.value as { choices?: { delta?: { content?: unknown } }[]; usage?: StreamEnd['usage'] } | null;
      if (t.collect) {
        const c = chunk?.choices?.[0]?.delta?.content;
        if (typeof c === 'string') t.text += c;
      }
      if (chunk?.usage && typeof chunk.usage === 'object') t.usage = chunk.usage;
      return r;
    },
    async return(value?: unknown) {
      finish(t);
      return it.return ? it.return(value) : { done: true, value };
    },
    async throw(err?: unknown) {
      finish(t, err);
      if (it.throw) return it.throw(err);
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  dropped.register(wrapper, t, t);
  return wrapper;
}
