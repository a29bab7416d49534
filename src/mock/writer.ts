// Writes a streamed response as timed "ticks" (groups of events), optionally cutting lines and
// multi-byte characters across separate socket writes, or dropping the connection half-way.
import type { ServerResponse } from 'node:http';

export interface StreamPlan {
  /** Events written at each tick; tick 0 goes out at firstDelayMs, tick i at firstDelayMs + i * intervalMs. */
  ticks: string[][];
  firstDelayMs: number;
  intervalMs: number;
  split: 'none' | 'lines' | 'utf8';
  /** Destroy the socket after half of the ticks. */
  drop: boolean;
  headers: Record<string, string>;
}

// Immediates stay ref'd: an unref'd immediate does not keep libuv from blocking in poll, so an
// otherwise idle server (the CLI, a client in another process) would stall mid-stream.
function later(ms: number, fn: () => void): void {
  if (ms > 0) setTimeout(fn, ms).unref();
  else setImmediate(fn);
}

/** Byte offset inside the tick where it is cut: inside a multi-byte character, else mid-way through its last event. */
function cutPoint(buf: Buffer, lastEventBytes: number, split: 'lines' | 'utf8'): number {
  if (split === 'utf8') {
    for (let i = 0; i < buf.length; i++) if (buf[i] >= 0xc0) return i + 1;
  }
  const start = buf.length - lastEventBytes;
  return start + Math.max(1, Math.floor(lastEventBytes / 2));
}

export function writeStream(res: ServerResponse, plan: StreamPlan): void {
  const { ticks, split, drop } = plan;
  if (plan.firstDelayMs <= 0 && plan.intervalMs <= 0 && split === 'none' && !drop) {
    // Fast path for load tests: the whole stream in one write, no timers.
    res.writeHead(200, plan.headers);
    res.end(ticks.map((t) => t.join('')).join(''));
    return;
  }
  const paced = plan.intervalMs > 0;
  // Half-way; a one-tick stream is cut inside its only tick.
  const dropAt = drop ? Math.floor(ticks.length / 2) : -1;
  let carry: Buffer | null = null;
  const dead = () => res.destroyed || res.writableEnded;

  const writeSeparately = (parts: Array<string | Buffer>, then: () => void) => {
    let i = 0;
    const next = () => {
      if (dead()) return;
      if (i >= parts.length) return then();
      const part = parts[i++];
      if (part.length > 0) res.write(part);
      if (i >= parts.length) then();
      else setImmediate(next);
    };
    next();
  };

  const tick = (k: number) => {
    if (dead()) return;
    if (k === dropAt) {
      // Half a line first, so the client sees a truncated body, not a clean end.
      if (carry === null) res.write(ticks[k][0].slice(0, Math.max(1, ticks[k][0].length >> 1)));
      setImmediate(() => res.socket?.destroy());
      return;
    }
    const last = k === ticks.length - 1;
    // Ticks are scheduled against the stream's start, so timer lateness does not add up over a long reply.
    const after = () => {
      if (last) endStream();
      else later(start + (k + 1) * plan.intervalMs - performance.now(), () => tick(k + 1));
    };
    const events = ticks[k];
    if (split === 'none') {
      if (paced) writeSeparately(events, after);
      else {
        res.write(events.length === 1 ? events[0] : events.join(''));
        after();
      }
      return;
    }
    const buf = Buffer.from(events.join(''), 'utf8');
    const cut = cutPoint(buf, Buffer.byteLength(events[events.length - 1], 'utf8'), split);
    const head = buf.subarray(0, cut);
    const parts: Buffer[] = carry ? [carry, head] : [head];
    carry = buf.subarray(cut);
    // The previous tail and this head are one write: a line end and the next line's start share a chunk.
    writeSeparately([parts.length === 2 ? Buffer.concat(parts) : parts[0]], after);
  };

  const endStream = () => {
    if (dead()) return;
    if (carry && carry.length > 0) {
      const tail = carry;
      carry = null;
      setImmediate(() => {
        if (dead()) return;
        res.end(tail);
      });
      return;
    }
    res.end();
  };

  let start = performance.now() + plan.firstDelayMs;
  later(plan.firstDelayMs, () => {
    if (dead()) return;
    start = performance.now();
    res.writeHead(200, plan.headers);
    if (ticks.length === 0) return endStream();
    if (!paced && split === 'none' && !drop) {
      res.end(ticks.map((t) => t.join('')).join(''));
      return;
    }
    tick(0);
  });
}
