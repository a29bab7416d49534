import { randomBytes } from 'node:crypto';

/*
 * Keyed 64-bit hash of a string for the in-process key table: HalfSipHash-1-3 (SipHash's 32-bit
 * sibling, built from 32-bit add/rotate/xor, which JS does natively). The key is random per process,
 * so keys that collide cannot be computed in advance; an unkeyed hash let an attacker build thousands
 * of keys with one home slot in milliseconds.
 *
 * Message words: a string whose code units all fit a byte (most keys: model names, hex digests) is
 * read four units per word; any other string two units per word. The last word carries the length
 * and which of the two readings was used, so no two strings give the same message.
 */

const SEED = randomBytes(8);
const K0 = SEED.readUInt32LE(0);
const K1 = SEED.readUInt32LE(4);

export class KeyHasher {
  /** The last hash() result: `home` picks the slot, `check` (never 0) confirms the key there. */
  home = 0;
  check = 0;
  readonly #k0: number;
  readonly #k1: number;

  /** Tests pass a fixed key; everything else uses this process's random one. */
  constructor(k0 = K0, k1 = K1) {
    this.#k0 = k0 | 0;
    this.#k1 = k1 | 0;
  }

  hash(s: string): void {
    let v0 = this.#k0;
    let v1 = this.#k1 ^ 0xee;
    let v2 = 0x6c796765 ^ this.#k0;
    let v3 = 0x74656462 ^ this.#k1;
    const n = s.length;
    const end4 = n & ~3;
    let i = 0;
    let b = -1;
    for (; i < end4; i += 4) {
      const c0 = s.charCodeAt(i);
      const c1 = s.charCodeAt(i + 1);
      const c2 = s.charCodeAt(i + 2);
      const c3 = s.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) > 0xff) break;
      const m = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
      v3 ^= m;
      v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
      v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
      v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
      v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
      v0 ^= m;
    }
    if (i === end4) {
      // Up to three byte-sized units left: the last word, with the length (top bit clear).
      b = (n & 0x7f) << 24;
      for (let j = 0; i < n; i++, j += 8) {
        const c = s.charCodeAt(i);
        if (c > 0xff) { b = -1; break; }
        b |= c << j;
      }
    }
    if (b === -1) {
      // A wider unit: start over reading two units per word; the top bit of the last word says so.
      v0 = this.#k0;
      v1 = this.#k1 ^ 0xee;
      v2 = 0x6c796765 ^ this.#k0;
      v3 = 0x74656462 ^ this.#k1;
      const end2 = n & ~1;
      for (i = 0; i < end2; i += 2) {
        const m = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
        v3 ^= m;
        v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
        v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
        v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
        v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
        v0 ^= m;
      }
      b = ((0x80 | (n & 0x7f)) << 24) | (end2 < n ? s.charCodeAt(end2) : 0);
    }
    v3 ^= b;
    v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
    v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
    v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
    v0 ^= b;
    v2 ^= 0xee;
    for (let r = 0; r < 3; r++) {
      v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
      v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
      v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
      v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
    }
    this.home = (v1 ^ v3) >>> 0;
    this.check = ((v0 ^ v2) | 1) >>> 0; // never 0: 0 marks an empty slot
  }
}
