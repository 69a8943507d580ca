import fc from 'fast-check';
import { DEFAULT_HE_PARAMETER_SET } from '../he/parameter-sets';
import { secureAggregationSpec } from '../he/secure-update';
import { addFeatureMoments, type FeatureMoments } from '../plan/federated-standardization';
import {
  decodeFeatureStats,
  encodeFeatureStats,
  featureMomentsProblems,
  featureStatsFieldCount,
} from './feature-stats-contribution';

const spec = secureAggregationSpec({ parameterSet: DEFAULT_HE_PARAMETER_SET, clip: 1, maxParticipants: 100 });

const addFields = (vs: Uint32Array[]): Float64Array => {
  const out = new Float64Array(vs[0].length);
  for (const v of vs) v.forEach((x, i) => (out[i] += x));
  return out;
};

describe('feature statistics contribution', () => {
  it('sums of members’ encodings decode to the sum of their moments, negative sums and huge squares included', () => {
    const members: FeatureMoments[] = [
      { count: [1000, 5], sum: [-1234.5, 3e7], sumSquares: [99999.25, 4.2e18] },
      { count: [2000, 7], sum: [800.25, 1e7], sumSquares: [1.5, 9e17] },
      { count: [1, 0], sum: [-0.5, 0], sumSquares: [0.25, 0] },
    ];
    const decoded = decodeFeatureStats(addFields(members.map((m) => encodeFeatureStats(m, spec))), 2, spec);
    const expected = members.reduce(addFeatureMoments);
    expect(decoded.count).toEqual(expected.count);
    decoded.sum.forEach((s, i) => expect(s).toBeCloseTo(expected.sum[i], 5));
    decoded.sumSquares.forEach((s, i) => expect(s / expected.sumSquares[i]).toBeCloseTo(1, 12));
    expect(featureStatsFieldCount(spec, 2)).toBe(2 * 4 * Math.ceil(96 / spec.bits));
  });

  it('round-trips any member’s moments (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.nat(1_000_000),
            fc.double({ min: -1e9, max: 1e9, noNaN: true }),
            fc.double({ min: 0, max: 1e15, noNaN: true }),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (rows) => {
          const m: FeatureMoments = {
            count: rows.map((r) => r[0]),
            sum: rows.map((r) => r[1]),
            sumSquares: rows.map((r) => r[2]),
          };
          const d = decodeFeatureStats(encodeFeatureStats(m, spec), rows.length, spec);
          d.count.forEach((c, i) => expect(c).toBe(m.count[i]));
          d.sum.forEach((s, i) => expect(Math.abs(s - m.sum[i])).toBeLessThanOrEqual(2 ** -20));
          d.sumSquares.forEach((s, i) =>
            expect(Math.abs(s - m.sumSquares[i])).toBeLessThanOrEqual(Math.max(2 ** -20, m.sumSquares[i] * 1e-15)),
          );
        },
      ),
    );
  });

  it('refuses a corrupt aggregate and invalid reports, naming the problem', () => {
    expect(() => decodeFeatureStats(new Float64Array(3), 1, spec)).toThrow(/expected/);
    const bad = encodeFeatureStats({ count: [1], sum: [1], sumSquares: [1] }, spec);
    const f = Float64Array.from(bad);
    f[0] = -1;
    expect(() => decodeFeatureStats(f, 1, spec)).toThrow(/corrupt/);
    expect(() => encodeFeatureStats({ count: [1], sum: [NaN], sumSquares: [1] }, spec)).toThrow(/finite/);
    expect(featureMomentsProblems({ count: [0], sum: [1], sumSquares: [-1] }, 1)).toEqual([
      'count[0] is 0: every standardised feature needs at least one value',
      'sumSquares[0] is negative',
    ]);
    expect(featureMomentsProblems({ count: [1, 2], sum: [1], sumSquares: [1] }, 1)).toEqual([
      'count must list 1 numbers',
    ]);
  });
});
