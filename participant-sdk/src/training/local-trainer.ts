import { modelLayout, type TrainingPlan } from '@syndicate/protocol';
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
  try {
    const history = await model.fit(x, y, {
      epochs: t.epochs,
      batchSize: t.batchSize,
      shuffle: true,
      verbose: 0,
      callbacks: o.onEpoch ? { onEpochEnd: async (epoch, logs) => o.onEpoch?.(epoch, Number(logs?.loss)) } : undefined,
    });
    const losses = history.history.loss as number[];
    return {
      weights: fromModel(model, layout),
      numSamples: o.data.rows,
      finalLoss: Number(losses[losses.length - 1]),
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } finally {
    x.dispose();
    y.dispose();
    optimizer.dispose();
    model.dispose();
  }
}
