import type { CalibrationBucket, CurvePoint, FederatedMetrics } from './federated-metrics';
import { fraudMetrics } from './fraud-metrics';
import { assertBinCount, histogramTotals, type ScoreHistogram } from './score-histogram';

/** Upper bound on points in FederatedMetrics.roc, (0,0) and (1,1) included. */
export const ROC_MAX_POINTS = 200;
export const CALIBRATION_BUCKETS = 10;
/** Share given to a PSI bucket that one side leaves empty, so ln(c/r) stays finite. */
export const PSI_EMPTY_BUCKET_SHARE = 1e-4;

/**
 * The consortium's metrics from a (summed) score histogram. Thresholds are the
 * bin edges, and examples within one bin are treated as tied: AUC is then
 * exactly the Mann-Whitney statistic of the binned scores (ties count half).
 * One pass over the bins, O(bins).
 */
export function federatedMetrics(
  h: ScoreHistogram,
  reference?: ScoreHistogram,
  /** The previous model version's histogram on the same rows: `shift` measures version-to-version change. */
  previous?: ScoreHistogram,
): FederatedMetrics {
  const { negatives: N, positives: P, numExamples: n } = histogramTotals(h);
  const bothClasses = P > 0 && N > 0;
  // Kept points each move >= step in L-inf along a path of L1 length <= 2: at most ROC_MAX_POINTS - 3 of them, plus both ends.
  const step = 2 / (ROC_MAX_POINTS - 3);
  const roc: CurvePoint[] = [{ threshold: 1, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  let area = 0;
  let ks = 0;
  let ksThreshold = 1;
  let ap = 0;
  // Sweep thresholds from 1 down to 0: at edge i/bins every bin >= i is flagged.
  for (let i = h.bins - 1; i >= 0; i--) {
    const p = h.positives[i];
    const q = h.negatives[i];
    if (p > 0) ap += expectedPrecisionSum(tp, fp, p, q);
    area += (q * (2 * tp + p)) / 2;
    tp += p;
    fp += q;
    if (!bothClasses) continue;
    const tpr = tp / P;
    const fpr = fp / N;
    const threshold = i / h.bins;
    const d = Math.abs(tpr - fpr);
    if (d > ks) {
      ks = d;
      ksThreshold = threshold;
    }
    const last = roc[roc.length - 1];
    if (Math.max(Math.abs(fpr - last.fpr), Math.abs(tpr - last.tpr)) >= step || i === 0)
      roc.push({ threshold, fpr, tpr });
  }
  const rocAuc = bothClasses ? area / (P * N) : NaN;
  return {
    numExamples: n,
    positives: P,
    rocAuc,
    ks: bothClasses ? ks : NaN,
    ksThreshold: bothClasses ? ksThreshold : NaN,
    gini: 2 * rocAuc - 1,
    prAuc: P > 0 ? ap / P : NaN,
    brier: n ? h.sumSquaredError / n : NaN,
    logLoss: n ? h.sumLogLoss / n : NaN,
    calibration: calibrationTable(h),
    roc: bothClasses ? roc : [],
    psi: reference ? populationStabilityIndex(reference, h) : null,
    shift: previous ? populationStabilityIndex(previous, h) : null,
    fraud: fraudMetrics(h),
  };
}

/** Bins at the top of the ranking with at most this many positive-negative pairs get the exact expectation. */
const EXACT_PRECISION_PAIRS_MAX = 16384;
/** Above this many positives in a bin, the sum over them is taken as an integral (its error shrinks like 1/p^2). */
const EXPLICIT_PRECISION_SUM_MAX = 32;

/**
 * Expected sum of the precisions at the p positives of one bin, given tp/fp
 * flagged above it, when the bin's p positives and q negatives come in random
 * order (the order within a bin is unknown). Counting the whole bin at one
 * threshold, or interpolating the PR curve continuously, would understate
 * average precision where the top bins hold a few cases each.
 */
function expectedPrecisionSum(tp: number, fp: number, p: number, q: number): number {
  const c = tp + fp;
  // Precision varies a lot inside a bin only while the bin is large next to what is above it: at most
  // about log2(n) bins, so the exact O(p q) expectation costs little there.
  if (c < p + q && p * q <= EXACT_PRECISION_PAIRS_MAX) return exactPrecisionSum(tp, fp, p, q);
  if (p <= EXPLICIT_PRECISION_SUM_MAX) {
    // The j-th positive follows X_j of the bin's negatives, negative-hypergeometric with mean j q / (p + 1);
    // E[(tp + j) / (c + j + X_j)] to second order in X_j.
    let sum = 0;
    for (let j = 1; j <= p; j++) {
      const mean = (j * q) / (p + 1);
      const variance = (j * q * (p + q + 1) * (p + 1 - j)) / ((p + 1) * (p + 1) * (p + 2));
      const d = c + j + mean;
      sum += (tp + j) / d + ((tp + j) * variance) / (d * d * d);
    }
    return sum;
  }
  // Midpoint rule over the mean path: integral over x in [1/2, p + 1/2] of (tp + x) / (c + k x).
  const k = 1 + q / (p + 1);
  return p / k + ((tp - c / k) / k) * Math.log((c + k * (p + 0.5)) / (c + k * 0.5));
}

/** The same expectation exactly, walking the (positives, negatives) lattice of the bin with its path probabilities. */
function exactPrecisionSum(tp: number, fp: number, p: number, q: number): number {
  const n = p + q;
  const c = tp + fp;
  let prev = new Float64Array(q + 1); // P(the first i - 1 + k of the bin are i - 1 positives and k negatives)
  let cur = new Float64Array(q + 1);
  prev[0] = 1;
  for (let k = 1; k <= q; k++) prev[k] = (prev[k - 1] * (q - k + 1)) / (n - k + 1);
  let sum = 0;
  for (let i = 1; i <= p; i++) {
    for (let k = 0; k <= q; k++) {
      const positiveNext = (prev[k] * (p - i + 1)) / (n - i + 1 - k);
      sum += (positiveNext * (tp + i)) / (c + i + k);
      cur[k] = positiveNext + (k > 0 ? (cur[k - 1] * (q - k + 1)) / (n - i - k + 1) : 0);
    }
    [prev, cur] = [cur, prev];
  }
  return sum;
}

/** Equal-width score buckets; each bin goes to the bucket holding its centre. */
function calibrationTable(h: ScoreHistogram): CalibrationBucket[] {
  const count = new Float64Array(CALIBRATION_BUCKETS);
  const positives = new Float64Array(CALIBRATION_BUCKETS);
  const scoreSum = new Float64Array(CALIBRATION_BUCKETS);
  for (let i = 0; i < h.bins; i++) {
    const b = Math.min(CALIBRATION_BUCKETS - 1, Math.floor(((i + 0.5) * CALIBRATION_BUCKETS) / h.bins));
    const c = h.negatives[i] + h.positives[i];
    count[b] += c;
    positives[b] += h.positives[i];
    scoreSum[b] += (c * (i + 0.5)) / h.bins;
  }
  return Array.from(count, (c, b) => ({
    from: b / CALIBRATION_BUCKETS,
    to: (b + 1) / CALIBRATION_BUCKETS,
    count: c,
    meanPredicted: c ? scoreSum[b] / c : NaN,
    observedRate: c ? positives[b] / c : NaN,
  }));
}

/**
 * Population stability index of `current` against `reference`:
 * sum over buckets of (c - r) * ln(c / r), with r and c the shares of each
 * population in the bucket. Buckets are the reference's quantiles (deciles by
 * default), with edges on bin edges taken from the reference's binned CDF; a
 * bin holding several quantiles collapses them into one bucket (the others
 * stay empty on both sides and add nothing). A share of 0 on either side is
 * raised to PSI_EMPTY_BUCKET_SHARE. NaN when either population is empty.
 * Rule of thumb: < 0.1 stable, 0.1-0.25 drifting, > 0.25 shifted.
 */
export function populationStabilityIndex(reference: ScoreHistogram, current: ScoreHistogram, buckets = 10): number {
  if (reference.bins !== current.bins)
    throw new RangeError(`PSI needs histograms of the same bins, got ${reference.bins} and ${current.bins}`);
  assertBinCount(buckets);
  const R = histogramTotals(reference).numExamples;
  const C = histogramTotals(current).numExamples;
  if (R === 0 || C === 0) return NaN;
  const ref = new Float64Array(buckets);
  const cur = new Float64Array(buckets);
  let b = 0;
  let cumulative = 0;
  for (let i = 0; i < reference.bins; i++) {
    ref[b] += reference.negatives[i] + reference.positives[i];
    cur[b] += current.negatives[i] + current.positives[i];
    cumulative += reference.negatives[i] + reference.positives[i];
    // Close the bucket once the reference's CDF reaches its next quantile (compared in integers).
    while (b < buckets - 1 && cumulative * buckets >= (b + 1) * R) b++;
  }
  let psi = 0;
  for (let k = 0; k < buckets; k++) {
    const r = Math.max(ref[k] / R, PSI_EMPTY_BUCKET_SHARE);
    const c = Math.max(cur[k] / C, PSI_EMPTY_BUCKET_SHARE);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}
