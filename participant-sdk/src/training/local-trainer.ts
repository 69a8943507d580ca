import { modelLayout, seededRandom, type LocalTraining, type TrainingPlan } from '@syndicate/protocol';
import type * as TF from '@tensorflow/tfjs';
import type { Dataset } from '../data/csv-dataset';
import { initTensorflow, type Tf } from './backend';
import { resolveClassWeights, type ClassWeights } from './class-weights';
import { fromModel } from './flat-weights';
import { buildModel } from './model-factory';
import { rowLoss, type RowLoss } from './training-loss';

export interface LocalTrainingResult {
  weights: Float32Array;
  numSamples: number;
  /** Mean training loss (the plan's, class-weighted) of the last epoch, without FedProx's proximal term. */
  finalLoss: number;
  seconds: number;
  /** Class weights applied (undefined = unweighted). */
  classWeights?: ClassWeights;
}

export function makeOptimizer(tf: Tf, t: Pick<LocalTraining, 'optimizer' | 'learningRate'>): TF.Optimizer {
  switch (t.optimizer) {
    case 'adam':
      return tf.train.adam(t.learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(t.learningRate);
    case 'sgd':
      return tf.train.sgd(t.learningRate);
  }
}

/** A seeded permutation per epoch: tfjs shuffles with Math.random, this keeps runs reproducible. */
function permutation(rows: number, rand: () => number): number[] {
  const order = Array.from({ length: rows }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Trains the plan's model on local data, starting from the global weights.
 * With `fedProxMu` > 0 (FedProx, Li et al. 2020) each step minimises
 * loss + mu/2 * ||w - w_global||^2 in a custom loop, which keeps members with
 * very different data from drifting far from the global model; otherwise it is
 * plain model.fit.
 */
export async function trainLocal(o: {
  plan: TrainingPlan;
  globalWeights: Float32Array;
  data: Dataset;
  /** Makes the batch order reproducible (e.g. the round number): same inputs, same update. */
  seed?: number;
  /** The round this trains for (1 = first): the plan's learning-rate decay applies per round. */
  round?: number;
  onEpoch?: (epoch: number, loss: number) => void;
}): Promise<LocalTrainingResult> {
  const { tf } = await initTensorflow();
  const started = process.hrtime.bigint();
  const layout = modelLayout(o.plan);
  if (o.data.inputDim !== layout.inputDim) {
    throw new Error(`data has ${o.data.inputDim} encoded columns, the plan's model expects ${layout.inputDim}`);
  }
  const t = o.plan.training;
  const classWeights = resolveClassWeights(t.classWeights, o.data.labels);
  const model = buildModel(tf, o.plan, o.globalWeights, { l2: t.l2 });
  const optimizer = makeOptimizer(tf, {
    optimizer: t.optimizer,
    learningRate: t.learningRate * t.learningRateDecay ** Math.max(0, (o.round ?? 1) - 1),
  });
  const x = tf.tensor2d(o.data.features, [o.data.rows, o.data.inputDim]);
  const y = tf.tensor2d(o.data.labels, [o.data.rows, 1]);
  const rand = seededRandom(((o.plan.seed * 1_000_003) ^ (o.seed ?? 0)) >>> 0);
  const mu = t.fedProxMu;
  const lossFn = rowLoss(tf, t.loss);
  const prox = mu > 0 ? proximalStep(tf, model, optimizer, { mu, lossFn, classWeights, l2: t.l2 }) : undefined;
  // The string keeps tfjs's own cross-entropy path for plans that do not ask for another loss.
  if (!prox) model.compile({ optimizer, loss: t.loss.type === 'binary_cross_entropy' ? 'binaryCrossentropy' : lossFn });
  let loss = NaN;
  try {
    for (let epoch = 0; epoch < t.epochs; epoch++) {
      const idx = tf.tensor1d(permutation(o.data.rows, rand), 'int32');
      const xs = tf.gather(x, idx);
      const ys = tf.gather(y, idx);
      try {
        if (prox) {
          // The epoch's loss stays on the backend until the end: a read per batch would stall it.
          let sum: TF.Scalar = tf.scalar(0);
          for (let start = 0; start < o.data.rows; start += t.batchSize) {
            const size = Math.min(t.batchSize, o.data.rows - start);
            const cost = prox.step(xs, ys, start, size);
            const next = tf.tidy(() => tf.add(sum, tf.mul(cost, size)) as TF.Scalar);
            tf.dispose([sum, cost]);
            sum = next;
          }
          loss = (await sum.data())[0] / o.data.rows;
          sum.dispose();
        } else {
          const history = await model.fit(xs, ys, {
            epochs: 1,
            batchSize: t.batchSize,
            shuffle: false,
            verbose: 0,
            classWeight: classWeights,
          });
          loss = Number((history.history.loss as number[])[0]);
        }
      } finally {
        tf.dispose([idx, xs, ys]);
      }
      o.onEpoch?.(epoch, loss);
    }
    return {
      weights: fromModel(model, layout),
      numSamples: o.data.rows,
      finalLoss: loss,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      classWeights,
    };
  } finally {
    prox?.dispose();
    x.dispose();
    y.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * One FedProx minibatch step: the plan's loss (weighted per class like
 * model.fit's classWeight), whose gradient gets mu * (w - w_global) added — the
 * gradient of mu/2 * ||w - w_global||^2, w_global being the weights the model
 * started from. Adding it directly costs three ops per tensor instead of
 * differentiating the norm. Returns the batch's data loss (without the term).
 */
function proximalStep(
  tf: Tf,
  model: TF.LayersModel,
  optimizer: TF.Optimizer,
  o: { mu: number; lossFn: RowLoss; classWeights: ClassWeights | undefined; l2: number },
) {
  const { mu, lossFn, classWeights, l2 } = o;
  const variables = model.trainableWeights.map((w) => w.read() as TF.Variable);
  const anchors = variables.map((v) => tf.keep(v.clone()));
  return {
    step(xs: TF.Tensor, ys: TF.Tensor, start: number, size: number): TF.Scalar {
      return tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const xb = tf.slice(xs, [start, 0], [size, -1]);
          const yb = tf.slice(ys, [start, 0], [size, -1]);
          const p = model.apply(xb, { training: true }) as TF.Tensor;
          let perRow = lossFn(yb, p);
          if (classWeights)
            perRow = tf.mul(
              perRow,
              tf.add(classWeights[0], tf.mul(yb.reshape([size]), classWeights[1] - classWeights[0])),
            );
          return tf.mean(perRow) as TF.Scalar;
        }, variables);
        const withProx: Record<string, TF.Tensor> = {};
        variables.forEach((v, i) => {
          const g = tf.add(grads[v.name], tf.mul(tf.sub(v, anchors[i]), mu));
          // The plan's L2 on kernels, as model.fit's kernel regularizer adds it: gradient 2 * l2 * w.
          withProx[v.name] = l2 > 0 && v.name.includes('kernel') ? tf.add(g, tf.mul(v, 2 * l2)) : g;
        });
        optimizer.applyGradients(withProx);
        return value;
      });
    },
    dispose: () => tf.dispose(anchors),
  };
}
