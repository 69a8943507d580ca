import { exactMetrics, gainOver, seededRandom, selectionFigure, type TrainingPlan } from '@syndicate/protocol';

type Metric = TrainingPlan['selection']['metric'];

/** Resamples of the validation rows in the paired bootstrap. */
export const CLEAR_WIN_RESAMPLES = 200;
/**
 * Share of resamples a model must win against local-only to replace it: a one-sided 95% test. A lead
 * of 0.005 AUC on 600 rows with a few dozen defaults is noise, and on the test rows it can reverse.
 */
export const CLEAR_WIN_SHARE = 0.95;

/**
 * Paired, stratified bootstrap: the share of resamples of these rows (positives and negatives drawn
 * separately, so every resample has both classes, as the rows do) in which `candidate` beats
 * `reference` by the metric. Both are scored on the same resampled rows, so what they share (the
 * hard rows, the easy ones) cancels and only their difference is tested. Null when the rows lack
 * a class (nothing can be shown).
 */
export function winShare(o: {
  metric: Metric;
  labels: Float32Array;
  candidate: Float32Array;
  reference: Float32Array;
  seed: number;
  resamples?: number;
}): number | null {
  const { labels, candidate, reference } = o;
  if (candidate.length !== labels.length || reference.length !== labels.length)
    throw new Error(
      `paired bootstrap needs one score per row: ${labels.length} rows, ${candidate.length} and ${reference.length} scores`,
    );
  const pos: number[] = [];
  const neg: number[] = [];
  labels.forEach((y, i) => (y > 0.5 ? pos : neg).push(i));
  if (pos.length === 0 || neg.length === 0) return null;
  const resamples = o.resamples ?? CLEAR_WIN_RESAMPLES;
  const rand = seededRandom(o.seed >>> 0);
  const n = labels.length;
  const y = new Float32Array(n);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  let wins = 0;
  for (let r = 0; r < resamples; r++) {
    let k = 0;
    for (const group of [pos, neg])
      for (let j = 0; j < group.length; j++, k++) {
        const i = group[Math.floor(rand() * group.length)];
        y[k] = labels[i];
        a[k] = candidate[i];
        b[k] = reference[i];
      }
    const fa = selectionFigure(exactMetrics(a, y), o.metric);
    const fb = selectionFigure(exactMetrics(b, y), o.metric);
    if (fa !== null && fb !== null && gainOver(o.metric, fa, fb) > 0) wins++;
  }
  return wins / resamples;
}
