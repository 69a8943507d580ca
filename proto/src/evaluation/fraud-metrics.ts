import { assertScoresAndLabels, histogramTotals, type ScoreHistogram } from './score-histogram';

/** The alert budgets fraud teams run at: share of legitimate transactions they can afford to flag. */
export const FRAUD_FPR_BUDGETS = [0.001, 0.005, 0.01] as const;
export const FRAUD_TOP_K = [100, 500, 1000] as const;

export interface RecallAtFpr {
  /** Largest false-positive rate the alert budget allows. */
  maxFpr: number;
  /** Share of frauds flagged at the lowest threshold whose false-positive rate stays within the budget. */
  recall: number;
  /** That threshold (flag when score >= threshold); 1 when no threshold fits. */
  threshold: number;
  /** The false-positive rate actually reached there. */
  fpr: number;
}

export interface FraudMetrics {
  recallAtFpr: RecallAtFpr[];
  /** Share of frauds among the k highest scores; NaN when fewer than k examples. */
  precisionAtTopK: { k: number; precision: number }[];
}

/**
 * Recall at a fixed false-positive rate from a (summed) score histogram: the
 * thresholds are bin edges, so the result is the exact recall at the lowest
 * edge within budget, which is at most the exact value on raw scores and at
 * least it minus the frauds in the one bin the budget cuts through.
 */
export function histogramRecallAtFpr(h: ScoreHistogram, maxFpr: number): RecallAtFpr {
  assertBudget(maxFpr);
  const { negatives: N, positives: P } = histogramTotals(h);
  let tp = 0;
  let fp = 0;
  let best: RecallAtFpr = { maxFpr, recall: 0, threshold: 1, fpr: 0 };
  for (let i = h.bins - 1; i >= 0; i--) {
    tp += h.positives[i];
    fp += h.negatives[i];
    if (fp > maxFpr * N) break;
    best = { maxFpr, recall: P ? tp / P : NaN, threshold: i / h.bins, fpr: N ? fp / N : 0 };
  }
  return P ? best : { ...best, recall: NaN };
}

/**
 * Precision among the k highest-scored transactions. The bin the k-th falls in
 * contributes its fraud share pro rata: the order inside a bin is unknown, so
 * this is the expected precision over it.
 */
export function histogramPrecisionAtTopK(h: ScoreHistogram, k: number): number {
  assertK(k);
  if (histogramTotals(h).numExamples < k) return NaN;
  let taken = 0;
  let frauds = 0;
  for (let i = h.bins - 1; i >= 0 && taken < k; i--) {
    const n = h.positives[i] + h.negatives[i];
    if (n === 0) continue;
    const take = Math.min(n, k - taken);
    frauds += (h.positives[i] * take) / n;
    taken += take;
  }
  return frauds / k;
}

export function fraudMetrics(h: ScoreHistogram): FraudMetrics {
  return {
    recallAtFpr: FRAUD_FPR_BUDGETS.map((b) => histogramRecallAtFpr(h, b)),
    precisionAtTopK: FRAUD_TOP_K.map((k) => ({ k, precision: histogramPrecisionAtTopK(h, k) })),
  };
}

/** The exact recall at a false-positive budget on raw scores (a bank's own figure, and the test oracle). */
export function exactRecallAtFpr(scores: ArrayLike<number>, labels: ArrayLike<number>, maxFpr: number): RecallAtFpr {
  assertScoresAndLabels(scores, labels);
  assertBudget(maxFpr);
  const order = descending(scores);
  let N = 0;
  for (let i = 0; i < labels.length; i++) N += labels[i] === 1 ? 0 : 1;
  const P = labels.length - N;
  let tp = 0;
  let fp = 0;
  let best: RecallAtFpr = { maxFpr, recall: P ? 0 : NaN, threshold: 1, fpr: 0 };
  for (let i = 0; i < order.length;) {
    // All transactions with the same score are flagged together.
    let j = i;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]] === 1) tp++;
      else fp++;
      j++;
    }
    if (fp > maxFpr * N) break;
    best = { maxFpr, recall: P ? tp / P : NaN, threshold: scores[order[i]], fpr: N ? fp / N : 0 };
    i = j;
  }
  return best;
}

/** Exact precision at top k; tied scores across the cut count pro rata, as in the histogram version. */
export function exactPrecisionAtTopK(scores: ArrayLike<number>, labels: ArrayLike<number>, k: number): number {
  assertScoresAndLabels(scores, labels);
  assertK(k);
  if (scores.length < k) return NaN;
  const order = descending(scores);
  let taken = 0;
  let frauds = 0;
  for (let i = 0; i < order.length && taken < k;) {
    let j = i;
    let p = 0;
    while (j < order.length && scores[order[j]] === scores[order[i]]) p += labels[order[j++]] === 1 ? 1 : 0;
    const take = Math.min(j - i, k - taken);
    frauds += (p * take) / (j - i);
    taken += take;
    i = j;
  }
  return frauds / k;
}

function descending(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[b] - scores[a]);
}

function assertBudget(maxFpr: number): void {
  if (!(maxFpr >= 0 && maxFpr <= 1)) throw new RangeError(`maxFpr must be a rate in [0, 1], got ${maxFpr}`);
}

function assertK(k: number): void {
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
}
