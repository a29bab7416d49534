// Child process (node --expose-gc): bytes per tracked key of one limiter implementation, keys made
// on the fly so only what the store retains is counted (the key string included, if it keeps it).
import Bottleneck from 'bottleneck';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { MemoryStore, RateLimiter } from '../../src/accelerators/ratelimit';

const [lib, nArg] = process.argv.slice(2);
const n = Number(nArg);
// Small stores are measured as many instances, so the figure rises above the GC's noise floor.
const reps = Math.max(1, Math.floor((lib === 'bottleneck' ? 20_000 : 200_000) / n));
const gc = (globalThis as { gc?: () => void }).gc!;

function used(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function main(): Promise<void> {
  const hold: unknown[] = [];
  const before = used();
  for (let r = 0; r < reps; r++) hold.push(await fill(r));
  const after = used();
  process.stdout.write(JSON.stringify({ bytesPerKey: (after - before) / (n * reps), reps, held: hold.length }) + '\n');
  process.exit(0); // rate-limiter-flexible's per-key timers would keep the process alive
}

async function fill(r: number): Promise<unknown> {
  let hold: unknown;
  if (lib === 'fast') {
    const rl = new RateLimiter({ rpm: 100, store: new MemoryStore({ maxKeys: Math.max(n, 1000) }) });
    for (let i = 0; i < n; i++) rl.checkSync(`user:${r}:${i}:gpt-4o`);
    hold = rl;
  } else if (lib === 'fast-rpm-tpm') {
    const rl = new RateLimiter({ rpm: 100, tpm: 100_000, store: new MemoryStore({ maxKeys: Math.max(n, 1000) }) });
    for (let i = 0; i < n; i++) rl.checkSync(`user:${r}:${i}:gpt-4o`, { tokens: 10 });
    hold = rl;
  } else if (lib === 'map') {
    const m = new Map<string, number>();
    for (let i = 0; i < n; i++) m.set(`user:${r}:${i}:gpt-4o`, 1);
    hold = m;
  } else if (lib === 'rlf') {
    const rl = new RateLimiterMemory({ points: 100, duration: 60 });
    for (let i = 0; i < n; i += 256) {
      const ps: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(n, i + 256); j++) ps.push(rl.consume(`user:${r}:${j}:gpt-4o`));
      await Promise.all(ps);
    }
    hold = rl;
  } else if (lib === 'bottleneck') {
    const g = new Bottleneck.Group({ maxConcurrent: 100 });
    for (let i = 0; i < n; i += 256) {
      const ps: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(n, i + 256); j++) ps.push(g.key(`user:${r}:${j}:gpt-4o`).schedule(() => Promise.resolve(1)));
      await Promise.all(ps);
    }
    hold = g;
  } else {
    throw new Error(`unknown lib ${lib}`);
  }
  return hold;
}
void main();
