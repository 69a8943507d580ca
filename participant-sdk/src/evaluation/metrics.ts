import { exactMetrics, type ExactMetrics, type TrainingPlan } from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { initTensorflow } from '../training/backend';
import { buildModel } from '../training/model-factory';

/** Scores a dataset with the given weights. */
export async function predict(plan: TrainingPlan, weights: Float32Array, data: Dataset): Promise<Float32Array> {
  const { tf } = await initTensorflow();
  const model = buildModel(tf, plan, weights);
  const x = tf.tensor2d(data.features, [data.rows, data.inputDim]);
  try {
    const y = model.predict(x, { batchSize: 4096 }) as import('@tensorflow/tfjs').Tensor;
    const scores = (await y.data()) as Float32Array;
    y.dispose();
    return scores;
  } finally {
    x.dispose();
    model.dispose();
  }
}

/** The bank's own exact figures for a model on a dataset (they never leave the bank). */
export async function evaluateModel(o: {
  plan: TrainingPlan;
  weights: Float32Array;
  data: Dataset;
}): Promise<ExactMetrics> {
  return exactMetrics(await predict(o.plan, o.weights, o.data), o.data.labels);
}
