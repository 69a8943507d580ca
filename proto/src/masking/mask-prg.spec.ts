import { createCipheriv } from 'crypto';
import { checkModulus, expandMask, expandMaskStretch, MASK_STRETCH } from './mask-prg';
import type { MaskSession } from './mask-session';

const T = 2147377153; // bfv-n4096-t31-2x15-v1's plain modulus
const session: MaskSession = { federationId: 'fed-1', roundId: 'round-1', keyEpoch: 3, kind: 'model' };
const seed = new Uint8Array(32).fill(7);

/** Pearson's statistic of `values` over `buckets` equal ranges of [0, modulus). */
function chiSquare(values: ArrayLike<number>, modulus: number, buckets: number): number {
  const counts = new Array<number>(buckets).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.floor((values[i] / modulus) * buckets)]++;
  const expected = values.length / buckets;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}
// chi-square with 15 degrees of freedom at significance 0.001
const CRITICAL_15_DF = 37.7;

describe('expandMask', () => {
  it('is deterministic and a prefix of a longer expansion', () => {
    const a = expandMask(seed, session, 'self', 1000, T);
    expect(expandMask(seed, session, 'self', 1000, T)).toEqual(a);
    expect(expandMask(seed, session, 'self', 5000, T).subarray(0, 1000)).toEqual(a);
  });

  it('expands any stretch alone to the same values as the whole stream', () => {
    const whole = expandMask(seed, session, 'pair', 3 * MASK_STRETCH + 100, T);
    expect(expandMaskStretch(seed, session, 'pair', 2, T)).toEqual(whole.subarray(2 * MASK_STRETCH, 3 * MASK_STRETCH));
    expect(expandMaskStretch(seed, session, 'pair', 3, T, 100)).toEqual(whole.subarray(3 * MASK_STRETCH));
    expect(expandMaskStretch(seed, session, 'pair', 1, T)).not.toEqual(whole.subarray(0, MASK_STRETCH));
  });

  it('gives values below the modulus', () => {
    for (const m of [2, 3, 97, 3 * 2 ** 29, T, 2 ** 32]) {
      const v = expandMask(seed, session, 'pair', 4000, m);
      expect(Math.max(...v)).toBeLessThan(m);
    }
  });

  it.each([
    ['federation', { ...session, federationId: 'fed-2' }, 'self'],
    ['round', { ...session, roundId: 'round-2' }, 'self'],
    ['key epoch', { ...session, keyEpoch: 4 }, 'self'],
    ['kind', { ...session, kind: 'count' }, 'self'],
    ['purpose', session, 'pair'],
  ] as const)('yields another stream for another %s', (_what, other, purpose) => {
    const base = expandMask(seed, session, 'self', 64, T);
    const moved = expandMask(seed, other, purpose, 64, T);
    expect(moved.filter((v, i) => v === base[i]).length).toBe(0);
  });

  it('yields another stream for another seed and another modulus', () => {
    const base = expandMask(seed, session, 'self', 64, T);
    const otherSeed = new Uint8Array(32).fill(8);
    expect(expandMask(otherSeed, session, 'self', 64, T).filter((v, i) => v === base[i]).length).toBe(0);
    expect(expandMask(seed, session, 'self', 64, T - 2).filter((v, i) => v === base[i]).length).toBe(0);
  });

  it('is uniform where plain reduction would be biased (rejection sampling), with a positive control', () => {
    // 3 * 2^29 takes 31 bits and accepts 3 of every 4 draws: a reduction of 31-bit words mod m would
    // make the lowest third of the range twice as likely.
    const m = 3 * 2 ** 29;
    const n = 200_000;
    expect(chiSquare(expandMask(seed, session, 'self', n, m), m, 16)).toBeLessThan(CRITICAL_15_DF);

    const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32, 1), Buffer.alloc(16));
    const words = new Uint32Array(cipher.update(Buffer.alloc(n * 4)).buffer.slice(0, n * 4));
    const reduced = Array.from(words, (w) => (w & 0x7fffffff) % m);
    expect(chiSquare(reduced, m, 16)).toBeGreaterThan(CRITICAL_15_DF);
  });

  it('refuses a seed that is not 32 bytes and a modulus outside 2..2^32', () => {
    expect(() => expandMask(new Uint8Array(16), session, 'self', 4, T)).toThrow(/32 bytes, got 16/);
    for (const m of [1, 2 ** 32 + 1, 1.5, NaN]) expect(() => checkModulus(m)).toThrow(/plain modulus/);
  });
});
