import type { Admission } from './admission';
import { usableTokens } from './usage';

// A streamed answer holds its call's admission (its parallel slots) until the stream ends, throws, is
// returned from, or is garbage collected; then the tokens it really used are settled. Chunks are
// read in the OpenAI chat-completion chunk format: `choices[0].delta.content` and `usage`.

export interface StreamTally {
  /** Tokens are counted for tpm; when false the chunks are not read at all. */
  readonly counting: boolean;
  readonly promptTokens: number;
  /** Tokens of the streamed text (the completion). */
  countText(text: string): number;
}

interface HoldState {
  admission: Admission;
  tally: StreamTally;
  done: boolean;
  text: string;
  /** The stream's total as reported by a final usage chunk. */
  total: number | undefined;
  /** The prompt's tokens as the provider counted them (usage on a content chunk), if any. */
  prompt: number | undefined;
}

type Chunk = { choices?: unknown; usage?: { total_tokens?: unknown; prompt_tokens?: unknown } } | null | undefined;
type Tallied = { text: string; total: number | undefined; prompt: number | undefined };

/**
 * Reads one chunk into the tally. Only an OpenAI-style final usage chunk (no choices) reports the
 * stream's total; a usage on a chunk that also carries choices is that chunk's own (litellm's Ollama
 * chunks each carry prompt + that chunk's tokens), so the streamed text is counted instead, after
 * the prompt as the provider counted it.
 */
export function readChunk(st: Tallied, value: unknown): void {
  const chunk = value as Chunk;
  if (chunk === null || typeof chunk !== 'object') return;
  const choices = chunk.choices;
  if (Array.isArray(choices) && choices.length > 0) {
    const c = (choices[0] as { delta?: { content?: unknown } } | null)?.delta?.content;
    if (typeof c === 'string') st.text += c;
    st.prompt ??= usableTokens(chunk.usage?.prompt_tokens);
    return;
  }
  const total = usableTokens(chunk.usage?.total_tokens);
  if (total !== undefined) st.total = total;
}

function end(st: HoldState): void {
  if (st.done) return;
  st.done = true;
  abandoned.unregister(st);
  let used: number | undefined;
  if (st.tally.counting) {
    try {
      used = st.total ?? (st.prompt ?? st.tally.promptTokens) + st.tally.countText(st.text);
    } catch {
      used = undefined; // a counter that fails keeps the reservation
    }
  }
  st.admission.settle(used);
}

// A stream dropped without return() (never iterated, or left mid-way) frees its slots when collected.
const abandoned = new FinalizationRegistry<HoldState>(end);

/** Wraps `stream` so that its admission is settled exactly once, however the stream ends. */
export function holdUntilDone<T>(stream: AsyncIterable<T>, admission: Admission,
  tally: StreamTally): AsyncIterableIterator<T> {
  const st: HoldState = { admission, tally, done: false, text: '', total: undefined, prompt: undefined };
  const it = stream[Symbol.asyncIterator]();
  const wrapper: AsyncIterableIterator<T> = {
    async next(...args: [] | [unknown]) {
      let r: IteratorResult<T>;
      try {
        r = await it.next(...args);
      } catch (err) {
        end(st);
        throw err;
      }
      if (r.done) end(st);
      else if (tally.counting) readChunk(st, r.value);
      return r;
    },
    async return(value?: unknown) {
      end(st);
      return it.return ? it.return(value) : { done: true, value: value as T };
    },
    async throw(err?: unknown) {
      end(st);
      if (it.throw) return it.throw(err);
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  abandoned.register(wrapper, st, st);
  return wrapper;
}
