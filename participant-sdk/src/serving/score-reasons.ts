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
  const ranges = featureRanges(schema);
  const occluded = scorer.occludedLogits(x, ranges);
  return schema.features
    .map((f, i) => ({ feature: f.name, impact: logit - occluded[i] }))
    .sort((a, b) => b.impact - a.impact)
    .slice(0, top);
}

const rangesOf = new WeakMap<DataSchema, [number, number][]>();

/** Each feature's encoded columns [from, to). */
function featureRanges(schema: DataSchema): [number, number][] {
  let r = rangesOf.get(schema);
  if (!r) {
    let at = 0;
    r = schema.features.map((f) => {
      const w = featureWidth(f);
      at += w;
      return [at - w, at];
    });
    rangesOf.set(schema, r);
  }
  return r;
}
