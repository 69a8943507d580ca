import { parameterSet } from '../he/parameter-sets';
import { fromLimbs, toLimbs } from '../he/quantization';
import type { SecureAggregationSpec } from '../he/secure-update';
import {
  assertBinCount,
  emptyHistogram,
  histogramTotals,
  MAX_EXAMPLE_LOG_LOSS,
  type ScoreHistogram,
} from './score-histogram';

/**
 * The integers a member encrypts for federated evaluation. Every field is a
 * limb of spec.bits bits, so members' vectors add field by field under BFV
 * without carrying into each other; fromLimbs settles the carries after
 * decryption. Layout (limbs little-endian within a value):
 *
 *   for each bin: negatives (countLimbs), positives (countLimbs)
 *   sumSquaredError * 2^20, rounded (sseLimbs)
 *   sumLogLoss * 2^20, rounded      (lossLimbs)
 *   example count                   (countLimbs)
 *
 * Counts have room for 2^40 examples in the consortium (countLimbs); the two
 * sums have room for 2^40 examples' worth of the largest per-example value
 * (1 for squared error, -ln(1e-7) < 2^5 for log loss). One member's scaled sum
 * must stay below 2^53 to be split exactly, i.e. below 2^33 before scaling.
 */
export const EVALUATION_SUM_SCALE = 2 ** 20;
const EVALUATION_SCALE_BITS = 20;
const MAX_EXAMPLE_BITS = 40;

const sseLimbs = (s: SecureAggregationSpec): number => Math.ceil((MAX_EXAMPLE_BITS + EVALUATION_SCALE_BITS) / s.bits);
const lossLimbs = (s: SecureAggregationSpec): number =>
  Math.ceil((MAX_EXAMPLE_BITS + Math.ceil(Math.log2(MAX_EXAMPLE_LOG_LOSS)) + EVALUATION_SCALE_BITS) / s.bits);

export function evaluationFieldCount(spec: SecureAggregationSpec, bins: number): number {
  assertBinCount(bins);
  return 2 * bins * spec.countLimbs + sseLimbs(spec) + lossLimbs(spec) + spec.countLimbs;
}

export class EvaluationAggregateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationAggregateError';
  }
}

function fixedPoint(x: number, what: string): number {
  const v = Math.round(x * EVALUATION_SUM_SCALE);
  if (!(v >= 0 && Number.isSafeInteger(v)))
    throw new RangeError(`${what} ${x} cannot be encoded: it must be finite, >= 0 and below 2^33`);
  return v;
}

export function encodeEvaluationContribution(h: ScoreHistogram, spec: SecureAggregationSpec): Uint32Array {
  const { numExamples } = histogramTotals(h);
  const c = spec.countLimbs;
  const out = new Uint32Array(evaluationFieldCount(spec, h.bins));
  const counts = new Float64Array(2 * h.bins);
  for (let i = 0; i < h.bins; i++) {
    counts[2 * i] = h.negatives[i];
    counts[2 * i + 1] = h.positives[i];
  }
  // toLimbs rejects non-integer, negative and too-large counts with a RangeError.
  out.set(toLimbs(counts, c, spec.bits), 0);
  let at = 2 * h.bins * c;
  out.set(toLimbs([fixedPoint(h.sumSquaredError, 'sumSquaredError')], sseLimbs(spec), spec.bits), at);
  at += sseLimbs(spec);
  out.set(toLimbs([fixedPoint(h.sumLogLoss, 'sumLogLoss')], lossLimbs(spec), spec.bits), at);
  at += lossLimbs(spec);
  out.set(toLimbs([numExamples], c, spec.bits), at);
  return out;
}

/**
 * The consortium's histogram from the decrypted per-field sums. Throws
 * EvaluationAggregateError when the sums cannot come from honest members:
 * wrong length, a field past its packed width, bin counts that disagree with
 * the example count, or sums larger than that many examples can produce.
 */
export function decodeEvaluationContribution(
  fieldSums: ArrayLike<number>,
  bins: number,
  spec: SecureAggregationSpec,
): ScoreHistogram {
  const expected = evaluationFieldCount(spec, bins);
  if (fieldSums.length !== expected)
    throw new EvaluationAggregateError(
      `evaluation aggregate has ${fieldSums.length} fields, expected ${expected} for ${bins} bins`,
    );
  const fieldLimit = 2 ** parameterSet(spec.parameterSet).fieldBits;
  for (let i = 0; i < fieldSums.length; i++) {
    const v = fieldSums[i];
    if (!(Number.isSafeInteger(v) && v >= 0 && v < fieldLimit))
      throw new EvaluationAggregateError(
        `evaluation aggregate field ${i} is ${v}, not an integer in [0, 2^${Math.log2(fieldLimit)})`,
      );
  }
  const c = spec.countLimbs;
  const slice = (from: number, length: number): number[] =>
    Array.prototype.slice.call(fieldSums, from, from + length) as number[];
  const counts = fromLimbs(slice(0, 2 * bins * c), c, spec.bits);
  let at = 2 * bins * c;
  const sse = fromLimbs(slice(at, sseLimbs(spec)), sseLimbs(spec), spec.bits)[0];
  at += sseLimbs(spec);
  const loss = fromLimbs(slice(at, lossLimbs(spec)), lossLimbs(spec), spec.bits)[0];
  at += lossLimbs(spec);
  const numExamples = fromLimbs(slice(at, c), c, spec.bits)[0];

  const h = emptyHistogram(bins);
  let binned = 0;
  for (let i = 0; i < bins; i++) {
    h.negatives[i] = counts[2 * i];
    h.positives[i] = counts[2 * i + 1];
    binned += counts[2 * i] + counts[2 * i + 1];
  }
  if (binned !== numExamples)
    throw new EvaluationAggregateError(
      `evaluation aggregate is corrupt: bins hold ${binned} examples but the count says ${numExamples}`,
    );
  // Each example adds at most 1 (resp. MAX_EXAMPLE_LOG_LOSS); float and fixed-point rounding stay below one unit per example.
  const slack = numExamples + 1;
  if (sse > numExamples * EVALUATION_SUM_SCALE + slack)
    throw new EvaluationAggregateError(
      `evaluation aggregate is corrupt: squared-error sum ${sse / EVALUATION_SUM_SCALE} exceeds ${numExamples} examples' maximum`,
    );
  if (loss > numExamples * MAX_EXAMPLE_LOG_LOSS * EVALUATION_SUM_SCALE + slack)
    throw new EvaluationAggregateError(
      `evaluation aggregate is corrupt: log-loss sum ${loss / EVALUATION_SUM_SCALE} exceeds ${numExamples} examples' maximum`,
    );
  h.sumSquaredError = sse / EVALUATION_SUM_SCALE;
  h.sumLogLoss = loss / EVALUATION_SUM_SCALE;
  return h;
}

/** A model scored on a bank's two holdout parts: validation rows choose the model, test rows report it. */
export interface SplitHistograms {
  validation: ScoreHistogram;
  test: ScoreHistogram;
}

/** Fields of one evaluation contribution: the validation histogram's, then the test histogram's. */
export const splitEvaluationFieldCount = (spec: SecureAggregationSpec, bins: number): number =>
  2 * evaluationFieldCount(spec, bins);

export function encodeSplitEvaluation(h: SplitHistograms, spec: SecureAggregationSpec): Uint32Array {
  const one = evaluationFieldCount(spec, h.validation.bins);
  if (h.test.bins !== h.validation.bins)
    throw new RangeError(`validation has ${h.validation.bins} bins but test has ${h.test.bins}; they must agree`);
  const out = new Uint32Array(2 * one);
  out.set(encodeEvaluationContribution(h.validation, spec), 0);
  out.set(encodeEvaluationContribution(h.test, spec), one);
  return out;
}

export function decodeSplitEvaluation(
  fieldSums: ArrayLike<number>,
  bins: number,
  spec: SecureAggregationSpec,
): SplitHistograms {
  const one = evaluationFieldCount(spec, bins);
  if (fieldSums.length !== 2 * one)
    throw new EvaluationAggregateError(
      `evaluation aggregate has ${fieldSums.length} fields, expected ${2 * one} (validation and test) for ${bins} bins`,
    );
  const part = (from: number) => Array.prototype.slice.call(fieldSums, from, from + one) as number[];
  return {
    validation: decodeEvaluationContribution(part(0), bins, spec),
    test: decodeEvaluationContribution(part(one), bins, spec),
  };
}
