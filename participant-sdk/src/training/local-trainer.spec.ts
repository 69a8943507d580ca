import { initialWeights, modelLayout, parseTrainingPlan, type TrainingPlanInput } from '@syndicate/protocol';
import { evaluateModel, predict } from '../evaluation/metrics';
import { seededRandom } from '@syndicate/protocol';
import { trainLocal } from './local-trainer';

process.env.SYNDICATE_TF_BACKEND = 'cpu';

const planInput = {
  name: 'unit',
  schema: {
    features: [
      { name: 'x1', type: 'numeric' },
      { name: 'x2', type: 'numeric' },
    ],
    target: { name: 'y' },
  },
  model: { template: 'mlp', hiddenUnits: [4] },
  training: { epochs: 20, batchSize: 32, optimizer: 'adam', learningRate: 0.05 },
} satisfies TrainingPlanInput;
const plan = parseTrainingPlan(planInput);
const variant = (training: TrainingPlanInput['training'], model: TrainingPlanInput['model'] = planInput.model) =>
  parseTrainingPlan({ ...planInput, model, training: { ...planInput.training, ...training } });

/** y = 1 when x1 + x2 > threshold: separable, so training must lift AUC well above chance. */
function data(n: number, seed: number, threshold = 0) {
  const r = seededRandom(seed);
  const features = new Float32Array(n * 2);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    features[2 * i] = r() * 2 - 1;
    features[2 * i + 1] = r() * 2 - 1;
    labels[i] = features[2 * i] + features[2 * i + 1] > threshold ? 1 : 0;
  }
  return { features, labels, rows: n, inputDim: 2 };
}

const distance = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0));
const mean = (a: Float32Array) => a.reduce((s, x) => s + x, 0) / a.length;

describe('trainLocal', () => {
  it('starts from the global weights and returns a better model in the plan layout', async () => {
    const start = initialWeights(plan);
    const before = await evaluateModel({ plan, weights: start, data: data(400, 2) });
    const result = await trainLocal({ plan, globalWeights: start, data: data(400, 1) });
    expect(result.weights).toHaveLength(modelLayout(plan).numParams);
    expect(result.numSamples).toBe(400);
    expect(result.weights).not.toEqual(start);
    const after = await evaluateModel({ plan, weights: result.weights, data: data(400, 2) });
    expect(after.logLoss).toBeLessThan(before.logLoss);
    expect(after.rocAuc).toBeGreaterThan(0.95);
  });

  it('refuses data whose width does not match the plan', async () => {
    await expect(
      trainLocal({ plan, globalWeights: initialWeights(plan), data: { ...data(10, 1), inputDim: 3 } }),
    ).rejects.toThrow(/3 encoded columns/);
  });

  it.each(['sgd', 'rmsprop'] as const)('trains with %s', async (optimizer) => {
    const p = variant({ optimizer, learningRate: optimizer === 'sgd' ? 0.5 : 0.02 });
    const result = await trainLocal({ plan: p, globalWeights: initialWeights(p), data: data(400, 1) });
    expect((await evaluateModel({ plan: p, weights: result.weights, data: data(400, 2) })).rocAuc).toBeGreaterThan(
      0.95,
    );
  });

  it('trains a tfjs_layers model (Dense, Dropout, Dense without bias)', async () => {
    const p = variant(
      {},
      {
        template: 'tfjs_layers',
        layers: [
          { class_name: 'Dense', config: { units: 6, activation: 'tanh', batch_input_shape: [null, 2] } },
          { class_name: 'Dropout', config: { rate: 0.1 } },
          { class_name: 'Dense', config: { units: 1, activation: 'sigmoid', use_bias: false } },
        ],
      },
    );
    expect(modelLayout(p).numParams).toBe(2 * 6 + 6 + 6);
    const result = await trainLocal({ plan: p, globalWeights: initialWeights(p), data: data(400, 1) });
    expect((await evaluateModel({ plan: p, weights: result.weights, data: data(400, 2) })).rocAuc).toBeGreaterThan(
      0.95,
    );
  });

  it('FedProx keeps the update closer to the global model the larger mu is, and still learns', async () => {
    const run = async (fedProxMu: number) => {
      const p = variant({ fedProxMu, optimizer: 'sgd', learningRate: 0.5, epochs: 10 });
      const start = initialWeights(p);
      const r = await trainLocal({ plan: p, globalWeights: start, data: data(400, 1), seed: 3 });
      return {
        drift: distance(r.weights, start),
        auc: (await evaluateModel({ plan: p, weights: r.weights, data: data(400, 2) })).rocAuc,
        loss: r.finalLoss,
      };
    };
    const [plain, small, large] = [await run(0), await run(0.01), await run(1)];
    expect(small.auc).toBeGreaterThan(0.95);
    expect(Number.isFinite(small.loss)).toBe(true);
    expect(large.drift).toBeLessThan(small.drift * 0.5);
    expect(small.drift).toBeLessThan(plain.drift * 1.5);
  });

  it.each([0, 0.001])('class weights lift the minority class (fedProxMu %s)', async (fedProxMu) => {
    // 8% positives, unrelated to the features: an unweighted model predicts about 0.08, a balanced one about 0.5.
    const imbalanced = data(600, 5);
    const noise = seededRandom(9);
    imbalanced.labels = imbalanced.labels.map(() => (noise() < 0.08 ? 1 : 0));
    const run = async (classWeights?: 'balanced' | { '0': number; '1': number }) => {
      const p = variant({ classWeights, fedProxMu, epochs: 5 });
      const r = await trainLocal({ plan: p, globalWeights: initialWeights(p), data: imbalanced, seed: 1 });
      return { r, score: mean(await predict(p, r.weights, imbalanced)) };
    };
    const plain = await run();
    const balanced = await run('balanced');
    const positives = imbalanced.labels.reduce((s, y) => s + y, 0);
    expect(balanced.r.classWeights![1]).toBeCloseTo(600 / (2 * positives), 6);
    expect(plain.score).toBeLessThan(0.15);
    expect(balanced.score).toBeGreaterThan(0.35);
    expect((await run({ '0': 1, '1': 1 })).score).toBeCloseTo(plain.score, 2);
  });

  it("applies the plan's L2 to kernels, in model.fit and in the FedProx loop alike", async () => {
    const logistic = { template: 'logistic_regression' } as const;
    const kernelNorm = async (training: TrainingPlanInput['training']) => {
      const p = variant(training, logistic);
      const w = (await trainLocal({ plan: p, globalWeights: initialWeights(p), data: data(400, 1), seed: 1 })).weights;
      return Math.hypot(w[0], w[1]);
    };
    expect(await kernelNorm({ l2: 0.5 })).toBeLessThan(0.5 * (await kernelNorm({ l2: 0 })));
    expect(await kernelNorm({ l2: 0.5, fedProxMu: 0.01 })).toBeLessThan(0.5 * (await kernelNorm({ fedProxMu: 0.01 })));
  });

  it('decays the local learning rate per round: round r steps with learningRate * decay^(r-1)', async () => {
    const p = variant({ optimizer: 'sgd', learningRate: 0.5, learningRateDecay: 0.1, epochs: 1 });
    const start = initialWeights(p);
    const moved = async (round: number) =>
      distance(
        (await trainLocal({ plan: p, globalWeights: start, data: data(200, 1), seed: 1, round })).weights,
        start,
      );
    const first = await moved(1);
    const third = await moved(3);
    // Same data, same batch order, one hundredth of the step: the move shrinks accordingly.
    expect(third).toBeLessThan(first / 20);
    expect(third).toBeGreaterThan(0);
  });
});
