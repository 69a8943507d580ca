import { assertScoresAndLabels, exampleLogLoss, squaredError } from './score-histogram';

/**
 * Metrics computed exactly from raw scores: a member's local figures (which
 * never leave the bank) and the oracle the histogram metrics are tested against.
 */
export interface ExactMetrics {
  numExamples: number;
  positives: number;
  /** Mann-Whitney U / (P * N), tied scores sharing their average rank; NaN when a class is absent. */
  rocAuc: number;
  /** max over thresholds of |TPR - FPR| (flagging score >= threshold); NaN when a class is absent. */
  ks: number;
  /** The score at which KS is attained. */
  ksThreshold: number;
  gini: number;
  /** Average precision: sum over distinct thresholds (descending) of recall gained x precision; NaN without positives. */
  prAuc: number;
  brier: number;
  logLoss: number;
}

export function exactMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>): ExactMetrics {
  assertScoresAndLabels(scores, labels);
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a] - scores[b]);

  // Runs of tied scores, ascending: [start, end) in `order`, with their positives.
  const starts: number[] = [];
  const groupPositives: number[] = [];
  let positives = 0;
  let rankSum = 0;
  let sse = 0;
  let loss = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    let p = 0;
    for (let k = i; k <= j; k++) {
      const idx = order[k];
      const y = labels[idx];
      if (y === 1) {
        p++;
        rankSum += avgRank;
      }
      sse += squaredError(scores[idx], y);
      loss += exampleLogLoss(scores[idx], y);
    }
    starts.push(i);
    groupPositives.push(p);
    positives += p;
    i = j + 1;
  }
  const negatives = n - positives;
  const bothClasses = positives > 0 && negatives > 0;
  const rocAuc = bothClasses ? (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives) : NaN;

  // Sweep thresholds from the highest score down; each run of ties is one threshold.
  let tp = 0;
  let fp = 0;
  let ks = 0;
  let ksThreshold = 1;
  let ap = 0;
  for (let g = starts.length - 1; g >= 0; g--) {
    const size = (g + 1 < starts.length ? starts[g + 1] : n) - starts[g];
    const p = groupPositives[g];
    tp += p;
    fp += size - p;
    if (positives > 0) ap += (p / positives) * (tp / (tp + fp));
    if (bothClasses) {
      const d = Math.abs(tp / positives - fp / negatives);
      if (d > ks) {
        ks = d;
        ksThreshold = scores[order[starts[g]]];
      }
    }
  }
  return {
    numExamples: n,
    positives,
    rocAuc,
    ks: bothClasses ? ks : NaN,
    ksThreshold: bothClasses ? ksThreshold : NaN,
    gini: 2 * rocAuc - 1,
    prAuc: positives > 0 ? ap : NaN,
    brier: n ? sse / n : NaN,
    logLoss: n ? loss / n : NaN,
  };
}
