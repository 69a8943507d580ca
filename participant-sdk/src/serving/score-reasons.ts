import { featureWidth, type DataSchema } from '@syndicate/protocol';
import type { DenseScorer } from './dense-scorer';

export interface ScoreReason {
  feature: string;
  /** Log-odds this feature adds against its baseline (consortium mean, or no category); positive pushes toward fraud. */
  impact: number;
}

/**
 * The features that moved the score most: each one's columns reset to the
 * baseline (0 after scaling is the consortium mean; all-zero one-hot is "no
 * category") and the change in log-odds measured. One forward pass per
 * feature, exact for the model as it is (no sampling).
 */
export function scoreReasons(
  scorer: DenseScorer,
  schema: DataSchema,
  x: Float32Array,
  logit: number,
  top = 3,
): ScoreReason[] {
  const probe = Float32Array.from(x);
  const reasons: ScoreReason[] = [];
  let at = 0;
  for (const f of schema.features) {
    const w = featureWidth(f);
    probe.fill(0, at, at + w);
    reasons.push({ feature: f.name, impact: logit - scorer.logit(probe) });
    probe.set(x.subarray(at, at + w), at);
    at += w;
  }
  return reasons.sort((a, b) => b.impact - a.impact).slice(0, top);
}
