import type { DataSchema, TrainingPlan } from './training-plan';

/**
 * Sufficient statistics for consortium-wide standardization, one entry per
 * numeric feature with `standardize: 'federated'` (schema order, see
 * featureStatsFieldsNeeded). Values are the raw cells after log1p when the
 * feature applies it; missing cells are not counted, hence a count per feature.
 * Members' moments are added (securely) into the consortium's.
 */
export interface FeatureMoments {
  count: number[];
  sum: number[];
  sumSquares: number[];
}

export interface FeatureStatsFields {
  /** Names of the features that need consortium statistics, in schema order. */
  features: string[];
  /** Values in the flat vector a member contributes: count, sum and sum of squares per feature. 0 = no statistics phase. */
  size: number;
}

/** Which features need consortium statistics before round 1, and how many values each member sums. */
export function featureStatsFieldsNeeded(plan: Pick<TrainingPlan, 'schema'>): FeatureStatsFields {
  const features = plan.schema.features
    .filter((f) => f.type === 'numeric' && f.standardize === 'federated')
    .map((f) => f.name);
  return { features, size: 3 * features.length };
}

export function emptyFeatureMoments(features: number): FeatureMoments {
  return {
    count: new Array<number>(features).fill(0),
    sum: new Array<number>(features).fill(0),
    sumSquares: new Array<number>(features).fill(0),
  };
}

/** Flat vector [count..., sum..., sumSquares...] for secure summation (length featureStatsFieldsNeeded().size). */
export function featureMomentsToVector(m: FeatureMoments): Float64Array {
  return Float64Array.from([...m.count, ...m.sum, ...m.sumSquares]);
}

export function featureMomentsFromVector(v: ArrayLike<number>): FeatureMoments {
  if (v.length % 3 !== 0) throw new Error(`feature moments vector has ${v.length} values, not a multiple of 3`);
  const k = v.length / 3;
  const a = Array.from(v);
  return { count: a.slice(0, k), sum: a.slice(k, 2 * k), sumSquares: a.slice(2 * k) };
}

/** Element-wise sum of members' moments (what the secure sum computes). */
export function addFeatureMoments(a: FeatureMoments, b: FeatureMoments): FeatureMoments {
  if (a.count.length !== b.count.length)
    throw new Error(`cannot add moments of ${a.count.length} and ${b.count.length} features`);
  return {
    count: a.count.map((c, i) => c + b.count[i]),
    sum: a.sum.map((s, i) => s + b.sum[i]),
    sumSquares: a.sumSquares.map((s, i) => s + b.sumSquares[i]),
  };
}

/**
 * The plan with each federated feature's center = consortium mean and scale =
 * sqrt(population variance). A feature whose variance is zero (or negative from
 * rounding in the sums) gets scale 1: it is constant across the consortium, so
 * any scale encodes it as 0. Throws when a feature has no values anywhere.
 */
export function applyConsortiumStandardization<P extends Pick<TrainingPlan, 'schema'>>(
  plan: P,
  moments: FeatureMoments,
): P {
  const { features } = featureStatsFieldsNeeded(plan);
  if (
    moments.count.length !== features.length ||
    moments.sum.length !== features.length ||
    moments.sumSquares.length !== features.length
  ) {
    throw new Error(
      `moments cover ${moments.count.length} features, the plan standardizes ${features.length} (${features.join(', ')}) federatedly`,
    );
  }
  const stats = new Map(
    features.map((name, i) => {
      const n = moments.count[i];
      if (!(n > 0)) throw new Error(`feature ${name}: no member has a value, so it cannot be standardized`);
      const mean = moments.sum[i] / n;
      const variance = moments.sumSquares[i] / n - mean * mean;
      const scale = variance > 0 && Number.isFinite(variance) ? Math.sqrt(variance) : 1;
      if (!Number.isFinite(mean)) throw new Error(`feature ${name}: consortium mean is not finite`);
      return [name, { center: mean, scale }] as const;
    }),
  );
  const schema: DataSchema = {
    ...plan.schema,
    features: plan.schema.features.map((f) => {
      const s = f.type === 'numeric' && f.standardize === 'federated' ? stats.get(f.name) : undefined;
      return s ? { ...f, ...s } : f;
    }),
  };
  return { ...plan, schema };
}
