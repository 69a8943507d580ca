import type { ExactMetrics } from './exact-metrics';
import type { FraudMetrics } from './fraud-metrics';

/**
 * What the consortium learns about a model from its members' holdouts, computed
 * from the sum of encrypted per-class score histograms: no bank's scores or
 * per-bank figures are in it.
 */
export interface CalibrationBucket {
  /** Score range of the bucket, [from, to). */
  from: number;
  to: number;
  count: number;
  /** Mean score in the bucket (from the histogram's bin centres). */
  meanPredicted: number;
  /** Fraction of positives (target = 1) in the bucket; NaN when empty. */
  observedRate: number;
}

export interface CurvePoint {
  /** Score threshold: a case is flagged when its score >= threshold. */
  threshold: number;
  /** False-positive rate (share of negatives flagged). */
  fpr: number;
  /** True-positive rate (share of positives flagged). */
  tpr: number;
}

/** The scalar figures are those of ExactMetrics, computed from the binned sum instead of raw scores. */
export interface FederatedMetrics extends ExactMetrics {
  calibration: CalibrationBucket[];
  /** ROC curve, downsampled to at most ~200 points, from threshold 1 down to 0. */
  roc: CurvePoint[];
  /**
   * Population stability index of this score distribution against the reference: the champion's
   * distribution, recorded when it was promoted; null while there is no champion.
   * Credit-risk convention: < 0.1 stable, 0.1-0.25 drifting, > 0.25 shifted.
   */
  psi: number | null;
  /** PSI against the previous evaluated version on the same rows: how much one version moved the scores. */
  shift?: number | null;
  /** Recall at the fraud teams' alert budgets (FPR 0.1%, 0.5%, 1%) and precision among the top k alerts. */
  fraud: FraudMetrics;
}
