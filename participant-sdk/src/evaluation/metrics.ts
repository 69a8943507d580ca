import type { TrainingPlan } from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { initTensorflow } from '../training/backend';
import { buildModel } from '../training/model-factory';

const EPS = 1e-7;

/** Mean binary cross-entropy, scores clipped away from 0 and 1. */
export function logLoss(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = Math.min(1 - EPS, Math.max(EPS, scores[i]));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return scores.length ? sum / scores.length : NaN;
}

export function accuracy(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): number {
  let hits = 0;
  for (let i = 0; i < scores.length; i++) if ((scores[i] >= threshold ? 1 : 0) === labels[i]) hits++;
  return scores.length ? hits / scores.length : NaN;
}

/**
 * ROC AUC as the Mann-Whitney statistic with tied scores sharing their average
 * rank; NaN when only one class is present (AUC is undefined, not 0.5).
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]] === 1) {
        positives++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface EvaluationMetrics {
  numExamples: number;
  loss: number;
  accuracy: number;
  auc: number;
}

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

export async function evaluateModel(o: { plan: TrainingPlan; weights: Float32Array; data: Dataset }): Promise<EvaluationMetrics> {
  const scores = await predict(o.plan, o.weights, o.data);
  return {
    numExamples: o.data.rows,
    loss: logLoss(scores, o.data.labels),
    accuracy: accuracy(scores, o.data.labels),
    auc: rocAuc(scores, o.data.labels),
  };
}
