import { performance } from 'node:perf_hooks';
import type { CallRecord } from './core';
import { readChunk, tallyOutcome, type StreamTally } from './response';
import type { CallOutcome } from './types';

// Watches a streamed answer in place: the iterator the app holds stays the very same object, its own
// next/return/throw are wrapped to note the first chunk, what the chunks report, and how the stream
// ended (read to its end, returned early, failed, or dropped unfinished and collected).

interface Tap {
  call: CallRecord;
  tally: StreamTally;
  capture: boolean;
  /** Adds what the stream does not tell (the router's hidden params, the provider) at its end. */
  complete?: (o: CallOutcome) => void;
}

function succeed(t: Tap, how: 'complete' | 'returned' | 'abandoned', at?: number): void {
  if (t.call.done) return;
  dropped.unregister(t);
  const o = tallyOutcome(t.tally);
  try {
    t.complete?.(o);
  } catch {
    // the outcome stays as the chunks told it
  }
  t.call.succeed(o, how, at);
}

// A stream never read to its end nor returned: its span ends when the stream is collected, at the
// time of its last chunk.
const dropped = new FinalizationRegistry<Tap>((t) => succeed(t, 'abandoned', t.call.last ?? t.call.t0));

type Method = (this: unknown, ...args: unknown[]) => unknown;

function wrap(target: Record<PropertyKey, unknown>, name: string, make: (m: Method) => Method): boolean {
  const m = target[name];
  if (typeof m !== 'function') return false;
  const own = Object.getOwnPropertyDescriptor(target, name);
  Object.defineProperty(target, name, {
    value: make(m as Method), writable: true, configurable: true, enumerable: own?.enumerable ?? false,
  });
  return true;
}

const isThenable = (v: unknown): v is Promise<IteratorResult<unknown>> =>
  v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';

/**
 * Taps an async iterator object (one with `next`) in place; false when it is not one (the caller then
 * ends the call at once). `complete` adds to the outcome at the stream's end.
 */
export function tapStream(stream: unknown, call: CallRecord, capture: boolean,
  complete?: (o: CallOutcome) => void): boolean {
  if (stream === null || typeof stream !== 'object' || typeof (stream as { next?: unknown }).next !== 'function') {
    return false;
  }
  const target = stream as Record<PropertyKey, unknown>;
  if (Object.isFrozen(target) || !Object.isExtensible(target)) return false;
  const t: Tap = { call, tally: {}, capture, complete };
  const onValue = (r: IteratorResult<unknown>): IteratorResult<unknown> => {
    if (call.done) return r;
    try {
      const now = performance.now();
      if (r === null || typeof r !== 'object' || r.done) succeed(t, 'complete', now);
      else {
        call.first ??= now;
        call.last = now;
        readChunk(t.tally, r.value, capture);
      }
    } catch {
      // a chunk we cannot read tells us nothing
    }
    return r;
  };
  const onError = (err: unknown): never => {
    if (!call.done) {
      dropped.unregister(t);
      call.fail(err);
    }
    throw err;
  };
  const ok = wrap(target, 'next', (next) => function (this: unknown) {
    const p = next.apply(this, arguments as unknown as unknown[]);
    return call.done || !isThenable(p) ? p : p.then(onValue, onError);
  });
  if (!ok) return false;
  const stop = (m: Method): Method => function (this: unknown) {
    succeed(t, 'returned');
    return m.apply(this, arguments as unknown as unknown[]);
  };
  wrap(target, 'return', stop);
  wrap(target, 'throw', stop);
  dropped.register(stream as object, t, t);
  return true;
}

/**
 * Taps an iterable whose iterator comes from a method of its own (the openai SDK's Stream keeps it in
 * an own `iterator` property, which its async iterator and tee() both call): that method is wrapped in
 * place and the first iterator it makes is tapped.
 */
export function tapIteratorMethod(stream: unknown, method: string, call: CallRecord, capture: boolean,
  complete?: (o: CallOutcome) => void): boolean {
  if (stream === null || typeof stream !== 'object' || !Object.isExtensible(stream)) return false;
  const target = stream as Record<PropertyKey, unknown>;
  const t: Tap = { call, tally: {}, capture, complete };
  let tapped = false;
  const ok = wrap(target, method, (make) => function (this: unknown) {
    const it = make.apply(this, arguments as unknown as unknown[]);
    if (!tapped) {
      tapped = true;
      dropped.unregister(t);
      if (!tapStream(it, call, capture, complete)) succeed(t, 'complete');
    }
    return it;
  });
  if (ok) dropped.register(stream as object, t, t);
  return ok;
}
