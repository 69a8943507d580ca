import { initialWeights, modelLayout, parseTrainingPlan } from '@syndicate/protocol';
import { evaluateModel } from '../evaluation/metrics';
import { seededRandom } from '@syndicate/protocol';
import { trainLocal } from './local-trainer';

const plan = parseTrainingPlan({
  name: 'unit',
  schema: { features: [{ name: 'x1', type: 'numeric' }, { name: 'x2', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'mlp', hiddenUnits: [4] },
  training: { epochs: 20, batchSize: 32, optimizer: 'adam', learningRate: 0.05 },
});

/** y = 1 when x1 + x2 > 0: separable, so training must lift AUC well above chance. */
function data(n: number, seed: number) {
  const r = seededRandom(seed);
  const features = new Float32Array(n * 2);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    features[2 * i] = r() * 2 - 1;
    features[2 * i + 1] = r() * 2 - 1;
    labels[i] = features[2 * i] + features[2 * i + 1] > 0 ? 1 : 0;
  }
  return { features, labels, rows: n, inputDim: 2 };
}

describe('trainLocal', () => {
  it('starts from the global weights and returns a better model in the plan layout', async () => {
    process.env.SYNDICATE_TF_BACKEND = 'cpu';
    const start = initialWeights(plan);
    const before = await evaluateModel({ plan, weights: start, data: data(400, 2) });
    const result = await trainLocal({ plan, globalWeights: start, data: data(400, 1) });
    expect(result.weights).toHaveLength(modelLayout(plan).numParams);
    expect(result.numSamples).toBe(400);
    expect(result.weights).not.toEqual(start);
    const after = await evaluateModel({ plan, weights: result.weights, data: data(400, 2) });
    expect(after.loss).toBeLessThan(before.loss);
    expect(after.auc).toBeGreaterThan(0.95);
  });

  it('refuses data whose width does not match the plan', async () => {
    await expect(trainLocal({ plan, globalWeights: initialWeights(plan), data: { ...data(10, 1), inputDim: 3 } })).rejects.toThrow(/3 encoded columns/);
  });
});
