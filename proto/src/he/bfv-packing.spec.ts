import fc from 'fast-check';
import { ciphertextCount, pack, unpack, type PackingLayout } from './bfv-packing';
import { dequantizeSum, fromLimbs, quantizationStep, quantizeStochastic, sumErrorBound, toLimbs } from './quantization';
import { seededRandom } from '../plan/initial-weights';

const layout: PackingLayout = { slotCount: 16, fieldBits: 15, fieldsPerSlot: 2 };

describe('BFV packing', () => {
  it('round-trips any vector of fields', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 15 - 1 }), { maxLength: 100 }), (fields) => {
        const slots = pack(fields, layout);
        expect(slots).toHaveLength(ciphertextCount(layout, fields.length));
        slots.forEach((s) => s.forEach((v) => expect(v).toBeLessThan(2 ** 30)));
        expect(Array.from(unpack(slots, fields.length, layout))).toEqual(fields);
      }),
    );
  });

  it('sum of N packed vectors equals the packed sum while fields stay within headroom', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 70 }), fc.integer(), (n, len, seed) => {
        // 11-bit values, 4 bits of headroom for up to 16 members.
        const r = seededRandom(seed >>> 0);
        const vectors = Array.from({ length: n }, () => Array.from({ length: len }, () => Math.floor(r() * 2 ** 11)));
        const slotSums = vectors
          .map((v) => pack(v, layout))
          .reduce((acc, p) => acc.map((s, c) => s.map((x, i) => x + p[c][i])));
        const expected = vectors.reduce((acc, v) => acc.map((x, i) => x + v[i]));
        expect(Array.from(unpack(slotSums, len, layout))).toEqual(expected);
      }),
    );
  });

  it('refuses a field that would spill into its neighbour', () => {
    expect(() => pack([2 ** 15], layout)).toThrow(/does not fit in 15 bits/);
  });
});

describe('quantization', () => {
  const spec = { clip: 0.5, bits: 8 };

  it('is unbiased: the mean of many stochastic roundings converges to the value', () => {
    const r = seededRandom(3);
    const x = 0.123456;
    const n = 20000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += dequantizeSum(quantizeStochastic([x], spec, r).q, 1, spec)[0];
    // Standard error of the mean is below step / (2 sqrt(n)).
    expect(Math.abs(sum / n - x)).toBeLessThan((3 * quantizationStep(spec)) / Math.sqrt(n));
  });

  it('decoded sums stay within the reported worst-case bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 5, maxLength: 5 }), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.integer(),
        (vectors, seed) => {
          const r = seededRandom(seed >>> 0);
          const sums = new Array(5).fill(0);
          const exact = new Array(5).fill(0);
          for (const v of vectors) {
            quantizeStochastic(v, spec, r).q.forEach((q, i) => (sums[i] += q));
            v.forEach((x, i) => (exact[i] += x));
          }
          const decoded = dequantizeSum(sums, vectors.length, spec);
          decoded.forEach((d, i) =>
            expect(Math.abs(d - exact[i])).toBeLessThanOrEqual(sumErrorBound(vectors.length, spec) + 1e-12),
          );
        },
      ),
    );
  });

  it('clips and counts values outside the range', () => {
    const { q, clipped } = quantizeStochastic([2, -2, 0], spec, () => 0.5);
    expect(clipped).toBe(2);
    expect(Array.from(q.subarray(0, 2))).toEqual([255, 0]);
  });

  it('limbs recombine exactly, carries included', () => {
    const values = [0, 1, 2 ** 24 - 1, 123456789];
    const limbs = toLimbs(values, 4, 8);
    expect(fromLimbs(limbs, 4, 8)).toEqual(values);
    const doubled = Array.from(limbs, (x) => x * 2);
    expect(fromLimbs(doubled, 4, 8)).toEqual(values.map((v) => v * 2));
  });
});
