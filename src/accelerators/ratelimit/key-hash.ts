import { randomBytes } from 'node:crypto';

/*
 * Keyed 64-bit hash of a string for the in-process key table: HalfSipHash-1-3 (SipHash's 32-bit
 * sibling, built from 32-bit add/rotate/xor, which JS does natively) over the string's UTF-16 code
 * units, two per word. The key is random per process, so keys that collide cannot be computed in
 * advance; an unkeyed hash let an attacker build thousands of keys with one home slot in milliseconds.
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
    const end = n & ~1;
    for (let i = 0; i < end; i += 2) {
      const m = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
      v3 ^= m;
      // One SipRound.
      v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
      v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
      v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
      v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
      v0 ^= m;
    }
    // Last word: the byte length in the top byte, an odd last code unit in the low half.
    const b = ((n << 25) | (end < n ? s.charCodeAt(end) : 0)) | 0;
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
