import {
  addFeatureMoments,
  applyConsortiumStandardization,
  featureMomentsFromVector,
  featureMomentsToVector,
  featureStatsFieldsNeeded,
  type FeatureMoments,
} from './federated-standardization';
import { parseTrainingPlan } from './training-plan';

const plan = parseTrainingPlan({
  name: 'std',
  schema: {
    features: [
      { name: 'a', type: 'numeric', standardize: 'federated' },
      { name: 'fixed', type: 'numeric', center: 5, scale: 2 },
      { name: 'r', type: 'categorical', vocabulary: ['x'] },
      { name: 'b', type: 'numeric', standardize: 'federated', log1p: true, missing: 'mean' },
    ],
    target: { name: 'y' },
  },
  model: { template: 'logistic_regression' },
});

const momentsOf = (...columns: number[][]): FeatureMoments => ({
  count: columns.map((c) => c.length),
  sum: columns.map((c) => c.reduce((s, x) => s + x, 0)),
  sumSquares: columns.map((c) => c.reduce((s, x) => s + x * x, 0)),
});

describe('federated standardization', () => {
  it('names the federated numeric features and the values each member sums', () => {
    expect(featureStatsFieldsNeeded(plan)).toEqual({ features: ['a', 'b'], size: 6 });
    expect(
      featureStatsFieldsNeeded(
        parseTrainingPlan({ ...plan, schema: { ...plan.schema, features: [plan.schema.features[1]] } }),
      ).size,
    ).toBe(0);
  });

  it('sets center = consortium mean and scale = population std, leaving other features alone', () => {
    // Two members; the consortium's values are the union.
    const bankA = momentsOf([1, 2, 3], [0.5]);
    const bankB = momentsOf([4, 5], [1.5, 2.5]);
    const total = featureMomentsFromVector(
      Float64Array.from(featureMomentsToVector(bankA), (x, i) => x + featureMomentsToVector(bankB)[i]),
    );
    expect(total).toEqual(addFeatureMoments(bankA, bankB));
    const out = applyConsortiumStandardization(plan, total);
    const [a, fixed, r, b] = out.schema.features;
    expect(a).toMatchObject({ center: 3, scale: expect.closeTo(Math.sqrt(2), 12) });
    expect(b).toMatchObject({ center: 1.5, scale: expect.closeTo(Math.sqrt(2 / 3), 12), log1p: true, missing: 'mean' });
    expect(fixed).toBe(plan.schema.features[1]);
    expect(r).toBe(plan.schema.features[2]);
    expect(plan.schema.features[0]).toMatchObject({ center: 0, scale: 1 });
  });

  it('uses scale 1 for a feature constant across the consortium and refuses one nobody has', () => {
    expect(applyConsortiumStandardization(plan, momentsOf([7, 7, 7], [1])).schema.features[0]).toMatchObject({
      center: 7,
      scale: 1,
    });
    expect(() => applyConsortiumStandardization(plan, momentsOf([], [1]))).toThrow(/feature a: no member has a value/);
    expect(() => applyConsortiumStandardization(plan, momentsOf([1]))).toThrow(
      /moments cover 1 features, the plan standardizes 2/,
    );
  });
});
