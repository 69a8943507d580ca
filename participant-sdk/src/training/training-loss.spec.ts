import { initialWeights, modelLayout, parseTrainingPlan, type TrainingLoss } from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { initTensorflow, type Tf } from './backend';
import { trainLocal } from './local-trainer';
import { rowLoss } from './training-loss';

process.env.SYNDICATE_TF_BACKEND = 'cpu';

const focal = (gamma: number, alpha?: number): TrainingLoss => ({ type: 'focal', gamma, alpha });
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Row losses for labels and probabilities, read back as plain numbers. */
function losses(tf: Tf, loss: TrainingLoss, y: number[], p: number[]): number[] {
  return tf.tidy(() =>
    Array.from(rowLoss(tf, loss)(tf.tensor2d(y, [y.length, 1]), tf.tensor2d(p, [p.length, 1])).dataSync()),
  );
}

/** d(loss)/d(logit) by hand. For target = 1, with p = sigmoid(z): (1 - p)^g * (g * p * ln p - (1 - p)); target = 0 mirrors it. */
function handFocalGradient(y: number, z: number, gamma: number): number {
  const q = sigmoid(y === 1 ? z : -z);
  const g = (1 - q) ** gamma * (gamma * q * Math.log(q) - (1 - q));
  return y === 1 ? g : -g;
}

describe('focal loss', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = (await initTensorflow()).tf;
  });

  it('down-weights easy rows far more than hard ones: (1 - p_t)^gamma times the cross-entropy', () => {
    // Easy: p_t = 0.9 (a fraud scored 0.9, a legitimate row scored 0.1). Hard: p_t = 0.1.
    const y = [1, 0, 1, 0];
    const p = [0.9, 0.1, 0.1, 0.9];
    const ce = losses(tf, { type: 'binary_cross_entropy' }, y, p);
    const fl = losses(tf, focal(2), y, p);
    const hand = [0.01 * -Math.log(0.9), 0.01 * -Math.log(0.9), 0.81 * -Math.log(0.1), 0.81 * -Math.log(0.1)];
    fl.forEach((v, i) => expect(v).toBeCloseTo(hand[i], 5));
    expect(fl[0] / ce[0]).toBeCloseTo(0.01, 4);
    expect(fl[2] / ce[2]).toBeCloseTo(0.81, 4);
  });

  it('is binary cross-entropy at gamma 0, and alpha weighs target = 1 rows by alpha, target = 0 by 1 - alpha', () => {
    const y = [1, 0, 1, 0, 1];
    const p = [0.7, 0.2, 0.05, 0.95, 0.5];
    const ce = losses(tf, { type: 'binary_cross_entropy' }, y, p);
    losses(tf, focal(0), y, p).forEach((v, i) => expect(v).toBeCloseTo(ce[i], 5));
    losses(tf, focal(0, 0.75), y, p).forEach((v, i) => expect(v).toBeCloseTo(ce[i] * (y[i] ? 0.75 : 0.25), 5));
  });

  it('has the hand-derived gradient with respect to the logit', () => {
    const y = [1, 1, 1, 0, 0, 0];
    const z = [2.5, 0.3, -1.7, -2.2, 0.4, 1.9];
    for (const gamma of [0.5, 2, 3]) {
      const grads = tf.tidy(() => {
        const ys = tf.tensor2d(y, [y.length, 1]);
        const f = (logits: ReturnType<Tf['tensor2d']>) => tf.sum(rowLoss(tf, focal(gamma))(ys, tf.sigmoid(logits)));
        return Array.from(
          tf
            .grad(f)(tf.tensor2d(z, [z.length, 1]))
            .dataSync(),
        );
      });
      grads.forEach((g, i) => expect(g).toBeCloseTo(handFocalGradient(y[i], z[i], gamma), 4));
    }
  });

  /** Two rows the start model gets right with confidence (easy), two it gets wrong (hard). */
  const rows: Dataset = {
    features: new Float32Array([2, 1, -1.5, -1, -2, 0.5, 1, -1.5]),
    labels: new Float32Array([1, 0, 1, 0]),
    rows: 4,
    inputDim: 2,
  };

  it.each([0, 0.2])(
    'trains on it: one full-batch SGD step moves the weights by the hand gradient (fedProxMu %s)',
    async (mu) => {
      const plan = parseTrainingPlan({
        name: 'focal-step',
        schema: {
          features: [
            { name: 'x1', type: 'numeric' },
            { name: 'x2', type: 'numeric' },
          ],
          target: { name: 'fraud' },
        },
        model: { template: 'logistic_regression' },
        training: { epochs: 1, batchSize: 4, optimizer: 'sgd', learningRate: 1, fedProxMu: mu, loss: 'focal' },
      });
      expect(modelLayout(plan).tensors.map((t) => t.shape)).toEqual([[2, 1], [1]]);
      const start = new Float32Array([1.2, -0.8, 0.1]);
      expect(initialWeights(plan)).toHaveLength(3);
      const [w1, w2, b] = start;
      const step = [0, 0, 0];
      for (let i = 0; i < rows.rows; i++) {
        const x1 = rows.features[2 * i];
        const x2 = rows.features[2 * i + 1];
        const g = handFocalGradient(rows.labels[i], w1 * x1 + w2 * x2 + b, 2) / rows.rows;
        step[0] -= g * x1;
        step[1] -= g * x2;
        step[2] -= g;
      }
      const result = await trainLocal({ plan, globalWeights: start, data: rows });
      Array.from(result.weights).forEach((w, j) => expect(w - start[j]).toBeCloseTo(step[j], 4));
      // The easy rows barely move the model: cross-entropy's step is several times larger.
      const ceStep = await trainLocal({
        plan: { ...plan, training: { ...plan.training, loss: { type: 'binary_cross_entropy' } } },
        globalWeights: start,
        data: rows,
      });
      expect(Math.abs(ceStep.weights[2] - b)).toBeGreaterThan(2 * Math.abs(step[2]));
    },
  );
});
