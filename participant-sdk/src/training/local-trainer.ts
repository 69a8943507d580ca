import { modelLayout, seededRandom, type TrainingPlan } from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { initTensorflow } from './backend';
import { fromModel } from './flat-weights';
import { buildModel } from './model-factory';

export interface LocalTrainingResult {
  weights: Float32Array;
  numSamples: number;
  finalLoss: number;
  seconds: number;
}

/** Trains the plan's model on local data, starting from the global weights. */
export async function trainLocal(o: {
  plan: TrainingPlan;
  globalWeights: Float32Array;
  data: Dataset;
  /** Makes the batch order reproducible (e.g. the round number): same inputs, same update. */
  seed?: number;
  onEpoch?: (epoch: number, loss: number) => void;
}): Promise<LocalTrainingResult> {
  const { tf } = await initTensorflow();
  const started = process.hrtime.bigint();
  const layout = modelLayout(o.plan);
  if (o.data.inputDim !== layout.inputDim) {
    throw new Error(`data has ${o.data.inputDim} encoded columns, the plan's model expects ${layout.inputDim}`);
  }
  const model = buildModel(tf, o.plan, o.globalWeights);
  const t = o.plan.training;
  const optimizer = t.optimizer === 'adam' ? tf.train.adam(t.learningRate) : tf.train.sgd(t.learningRate);
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  const x = tf.tensor2d(o.data.features, [o.data.rows, o.data.inputDim]);
  const y = tf.tensor2d(o.data.labels, [o.data.rows, 1]);
  // tfjs shuffles with Math.random; a seeded permutation per epoch keeps runs reproducible.
  const rand = seededRandom(((o.plan.seed * 1_000_003) ^ (o.seed ?? 0)) >>> 0);
  let loss = NaN;
  try {
    for (let epoch = 0; epoch < t.epochs; epoch++) {
      const order = Array.from({ length: o.data.rows }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const idx = tf.tensor1d(order, 'int32');
      const xs = tf.gather(x, idx);
      const ys = tf.gather(y, idx);
      try {
        const history = await model.fit(xs, ys, { epochs: 1, batchSize: t.batchSize, shuffle: false, verbose: 0 });
        loss = Number((history.history.loss as number[])[0]);
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
    };
  } finally {
    x.dispose();
    y.dispose();
    optimizer.dispose();
    model.dispose();
  }
}
