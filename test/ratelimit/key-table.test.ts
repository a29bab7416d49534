import { describe, expect, it } from 'vitest';
import { MemoryStore, RateLimiter } from '../../src/accelerators/ratelimit';
import { KeyHasher } from '../../src/accelerators/ratelimit/key-hash';
import { KeyTable, MAX_PROBE } from '../../src/accelerators/ratelimit/key-table';
import { runNode } from '../node-child';

// Issue 11 #9: hash flooding. Keys built to collide (here: all with one FNV-1a state, the kind of
// unkeyed lane the table used to home keys by, built in milliseconds by inverting it) must not pile
// up in one probe run; and whatever keys come, a lookup scans at most MAX_PROBE slots.

const FNV_PRIME = 0x01000193;
const FNV_INVERSE = 0x359c449b; // FNV_PRIME * FNV_INVERSE = 1 mod 2^32

function fnvState(s: string): number {
  let a = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) a = Math.imul(a ^ s.charCodeAt(i), FNV_PRIME);
  return a;
}

/** n distinct keys with one and the same FNV-1a state: two chars appended to each prefix solve for it. */
function craftedKeys(n: number): string[] {
  const target = fnvState('gpt-4o:victim');
  const u = Math.imul(target, FNV_INVERSE);
  const out: string[] = [];
  for (let p = 0; out.length < n; p++) {
    const prefix = `model-${p}:`;
    const s = fnvState(prefix);
    for (let c1 = 0; c1 < 0x10000 && out.length < n; c1++) {
      const v = Math.imul(s ^ c1, FNV_PRIME);
      if ((v >>> 16) === (u >>> 16)) out.push(prefix + String.fromCharCode(c1, (v ^ u) & 0xffff));
    }
  }
  return out;
}

describe('key table under crafted keys', () => {
  const keys = craftedKeys(3000);

  it('the crafted keys do collide on an unkeyed lane', () => {
    expect(new Set(keys).size).toBe(3000);
    expect(new Set(keys.map(fnvState)).size).toBe(1);
  });

  it('keyed hashing scatters them: no long probe run, every key found in its own slot', () => {
    const t = new KeyTable(3, 8192, false);
    const slots = new Set<number>();
    for (const k of keys) {
      expect(t.find(k)).toBe(-1);
      slots.add(t.insertHashed());
    }
    expect(slots.size).toBe(3000);
    expect(t.longestRun()).toBeLessThan(64);
    for (const k of keys) expect(slots.has(t.find(k))).toBe(true);
  });

  it('through a MemoryStore every crafted key keeps its own exact count', () => {
    const rl = new RateLimiter({ rpm: 1, store: new MemoryStore() });
    for (const k of keys) expect(rl.checkSync(k).allowed).toBe(true);
    for (const k of keys) expect(rl.checkSync(k).allowed).toBe(false);
  });

  it('even keys that all share one home (a broken hash) fill one run of MAX_PROBE slots at most', () => {
    class OneHome extends KeyHasher {
      #n = 0;
      override hash(): void {
        this.home = 12345;
        this.check = (++this.#n * 2 + 1) >>> 0;
      }
    }
    const t = new KeyTable(3, 4 * MAX_PROBE, false, new OneHome());
    let placed = 0;
    for (let i = 0; i < MAX_PROBE + 50; i++) {
      t.find(`k${i}`);
      if (t.insertHashed() >= 0) placed++;
    }
    expect(placed).toBe(MAX_PROBE); // the rest are refused: the store then frees a slot in reach
    expect(t.longestRun()).toBe(MAX_PROBE);
  });

  it('the hash key is random per process', async () => {
    const code = "const { KeyHasher } = require('./src/accelerators/ratelimit/key-hash');" +
      "const h = new KeyHasher(); h.hash('user:1:gpt-4o'); console.log(JSON.stringify([h.home, h.check]));";
    const [a, b] = await Promise.all([1, 2].map(() => runNode(['--import', 'tsx', '-e', code], {}, 30_000)));
    expect(a.out).not.toEqual(b.out);
    const fixed = (k: string): number[] => { const h = new KeyHasher(1, 2); h.hash(k); return [h.home, h.check]; };
    expect(fixed('user:1:gpt-4o')).toEqual(fixed('user:1:gpt-4o'));
    expect(fixed('user:1:gpt-4o')).not.toEqual(fixed('user:2:gpt-4o'));
  });
});
