import type { ReportRound } from './report-data';

/** Consecutive falls of the validation AUC that earn a warning: one dip is noise, this many is a trend. */
export const FALLING_ROUNDS = 3;

export interface FallingStretch {
  /** Last round before the fall, and the last round of it. */
  from: number;
  to: number;
  aucFrom: number;
  aucTo: number;
  falls: number;
}

/**
 * The longest stretch in which the federated validation AUC fell from each evaluated round to the
 * next, when it fell at least FALLING_ROUNDS times in a row (rounds without figures are skipped).
 */
export function fallingValidation(rounds: ReportRound[], minFalls = FALLING_ROUNDS): FallingStretch | null {
  const points = rounds.flatMap((r) =>
    r.metrics && Number.isFinite(r.metrics.rocAuc) ? [{ n: r.number, auc: r.metrics.rocAuc }] : [],
  );
  let best: FallingStretch | null = null;
  let start = 0;
  for (let i = 1; i <= points.length; i++) {
    if (i < points.length && points[i].auc < points[i - 1].auc) continue;
    const falls = i - 1 - start;
    if (falls >= minFalls && (!best || falls > best.falls))
      best = {
        from: points[start].n,
        to: points[i - 1].n,
        aucFrom: points[start].auc,
        aucTo: points[i - 1].auc,
        falls,
      };
    start = i;
  }
  return best;
}

/** The warning a reviewer reads, or '' when the curve does not fall for long. */
export function fallingValidationWarning(rounds: ReportRound[]): string {
  const f = fallingValidation(rounds);
  if (!f) return '';
  return `Validation AUC fell in ${f.falls} consecutive rounds, from ${f.aucFrom.toFixed(4)} after round ${f.from} to ${f.aucTo.toFixed(4)} after round ${f.to}: training is drifting. Consider training.learningRateDecay, a smaller learning rate (or serverOptimizer.learningRate), or selection.patience to stop early; the champion is chosen on validation, so it is not the drifted model.`;
}
