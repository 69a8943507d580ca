import fc from 'fast-check';
import { DEFAULT_HE_PARAMETER_SET } from '../he/parameter-sets';
import { secureAggregationSpec } from '../he/secure-update';
import {
  decodeEvaluationContribution,
  decodeSplitEvaluation,
  encodeEvaluationContribution,
  encodeSplitEvaluation,
  EvaluationAggregateError,
  evaluationFieldCount,
  EVALUATION_SUM_SCALE,
} from './evaluation-contribution';
import {
  addHistograms,
  buildScoreHistogram,
  DEFAULT_SCORE_BINS,
  emptyHistogram,
  type ScoreHistogram,
} from './score-histogram';

const spec = secureAggregationSpec({ parameterSet: DEFAULT_HE_PARAMETER_SET, clip: 1, maxParticipants: 100 });

const sumFields = (vectors: Uint32Array[], length: number): Float64Array => {
  const sums = new Float64Array(length);
  for (const v of vectors) for (let i = 0; i < length; i++) sums[i] += v[i];
  return sums;
};

const expectSameHistogram = (actual: ScoreHistogram, expected: ScoreHistogram, sumTolerance: number) => {
  expect(actual.bins).toBe(expected.bins);
  expect(Array.from(actual.negatives)).toEqual(Array.from(expected.negatives));
  expect(Array.from(actual.positives)).toEqual(Array.from(expected.positives));
  expect(Math.abs(actual.sumSquaredError - expected.sumSquaredError)).toBeLessThanOrEqual(sumTolerance);
  expect(Math.abs(actual.sumLogLoss - expected.sumLogLoss)).toBeLessThanOrEqual(sumTolerance);
};

describe('evaluation contribution codec', () => {
  it('has 100022 fields for the default 10000 bins under the default spec (8-bit limbs: 5 per count, 8 for the squared error, 9 for the log loss)', () => {
    expect(spec.bits).toBe(8);
    expect(spec.countLimbs).toBe(5);
    expect(DEFAULT_SCORE_BINS).toBe(10_000);
    expect(evaluationFieldCount(spec, DEFAULT_SCORE_BINS)).toBe(2 * 10_000 * 5 + 8 + 9 + 5);
    expect(evaluationFieldCount(spec, 1000)).toBe(10022);
  });

  it('round-trips a histogram: counts exactly, sums to the 2^-20 fixed point', () => {
    const h = buildScoreHistogram([0, 0.2, 0.2, 0.5, 0.93, 1], [0, 1, 0, 1, 1, 0], 10);
    const fields = encodeEvaluationContribution(h, spec);
    expect(fields).toHaveLength(evaluationFieldCount(spec, 10));
    expect(fields.every((f) => f < 2 ** spec.bits)).toBe(true);
    expectSameHistogram(decodeEvaluationContribution(fields, 10, spec), h, 0.5 / EVALUATION_SUM_SCALE);
  });

  it('carries validation and test histograms side by side; members add both parts field by field', () => {
    const v = (k: number) => buildScoreHistogram([0.1 * k, 0.5, 0.9], [0, 1, 1], 10);
    const t = (k: number) => buildScoreHistogram([0.2, 0.05 * k], [1, 0], 10);
    const parts = [1, 2].map((k) => encodeSplitEvaluation({ validation: v(k), test: t(k) }, spec));
    expect(parts[0]).toHaveLength(2 * evaluationFieldCount(spec, 10));
    const sum = decodeSplitEvaluation(sumFields(parts, parts[0].length), 10, spec);
    expectSameHistogram(sum.validation, addHistograms(v(1), v(2)), 2 / EVALUATION_SUM_SCALE);
    expectSameHistogram(sum.test, addHistograms(t(1), t(2)), 2 / EVALUATION_SUM_SCALE);
    expect(() => decodeSplitEvaluation(parts[0].subarray(1), 10, spec)).toThrow(/\(validation and test\)/);
  });

  it('carries across limbs when many members add full limbs (100 members, 300 examples in one bin each)', () => {
    const member = emptyHistogram(4);
    member.positives[2] = 300; // limb 0 = 44, limb 1 = 1
    member.sumSquaredError = 123.456789;
    member.sumLogLoss = 987.654321;
    const fields = encodeEvaluationContribution(member, spec);
    const sums = sumFields(
      Array.from({ length: 100 }, () => fields),
      fields.length,
    );
    const total = decodeEvaluationContribution(sums, 4, spec);
    expect(total.positives[2]).toBe(30000);
    expect(total.sumSquaredError).toBeCloseTo(12345.6789, 4);
    expect(total.sumLogLoss).toBeCloseTo(98765.4321, 4);
  });

  it('decodes the sum of members’ encodings to the sum of their histograms (property)', () => {
    const row = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.array(row, { maxLength: 300 }), { minLength: 1, maxLength: 6 }),
        (bins, members) => {
          const histograms = members.map((rows) =>
            buildScoreHistogram(
              rows.map(([s]) => s),
              rows.map(([, y]) => y),
              bins,
            ),
          );
          const fields = histograms.map((h) => encodeEvaluationContribution(h, spec));
          const decoded = decodeEvaluationContribution(sumFields(fields, evaluationFieldCount(spec, bins)), bins, spec);
          // Each member's fixed-point rounding is at most half a unit.
          expectSameHistogram(
            decoded,
            histograms.reduce(addHistograms),
            (members.length * 0.5) / EVALUATION_SUM_SCALE + 1e-9,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses to encode what is not a histogram of counts', () => {
    const h = emptyHistogram(3);
    h.negatives[1] = 1.5;
    expect(() => encodeEvaluationContribution(h, spec)).toThrow(RangeError);
    const negative = emptyHistogram(3);
    negative.positives[0] = -1;
    expect(() => encodeEvaluationContribution(negative, spec)).toThrow(RangeError);
    const nanLoss = emptyHistogram(3);
    nanLoss.sumLogLoss = NaN;
    expect(() => encodeEvaluationContribution(nanLoss, spec)).toThrow(/sumLogLoss NaN cannot be encoded/);
  });

  describe('rejects a corrupt aggregate', () => {
    const h = buildScoreHistogram([0.1, 0.4, 0.8, 0.9], [0, 0, 1, 1], 10);
    const good = Array.from(encodeEvaluationContribution(h, spec));
    const count = evaluationFieldCount(spec, 10);
    const sseAt = 2 * 10 * spec.countLimbs;

    it('accepts the untouched aggregate', () => {
      expect(() => decodeEvaluationContribution(good, 10, spec)).not.toThrow();
    });

    it.each([
      ['too short', good.slice(1), /has 121 fields, expected 122 for 10 bins/],
      ['too long', [...good, 0], /fields, expected/],
      ['a NaN field', good.map((v, i) => (i === 3 ? NaN : v)), /field 3 is NaN/],
      ['a fractional field', good.map((v, i) => (i === 3 ? 0.5 : v)), /field 3 is 0.5/],
      ['a field past the packed width', good.map((v, i) => (i === 3 ? 2 ** 15 : v)), /field 3 is 32768/],
      [
        'a bin count that disagrees with the example count',
        good.map((v, i) => (i === 0 ? v + 1 : v)),
        /bins hold 5 examples but the count says 4/,
      ],
      [
        'a squared-error sum larger than the examples allow',
        good.map((v, i) => (i === sseAt + 3 ? v + 1 : v)),
        /squared-error sum/,
      ],
      [
        'a log-loss sum larger than the examples allow',
        good.map((v, i) => (i === count - spec.countLimbs - 1 ? v + 1 : v)),
        /log-loss sum/,
      ],
    ])('%s', (_what, fields, message) => {
      expect(() => decodeEvaluationContribution(fields, 10, spec)).toThrow(EvaluationAggregateError);
      expect(() => decodeEvaluationContribution(fields, 10, spec)).toThrow(message);
    });

    it('rejects a bin count that is not the encoded one', () => {
      expect(() => decodeEvaluationContribution(good, 11, spec)).toThrow(/expected 132 for 11 bins/);
    });
  });
});
