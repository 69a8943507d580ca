import type { TrainingLoss } from '@syndicate/protocol';
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from './backend';

/** Per-row loss of a batch: labels and sigmoid outputs [rows, 1] -> [rows]. */
export type RowLoss = (yTrue: TF.Tensor, yPred: TF.Tensor) => TF.Tensor;

/** Keras's clip: log(0) never reaches the gradient. */
const EPSILON = 1e-7;

/**
 * The plan's training loss, per row, for model.fit (which applies class weights
 * per row and averages) and for the FedProx loop alike.
 * focal: alpha_t * (1 - p_t)^gamma * -log(p_t), p_t = the probability of the
 * row's true class, alpha_t = alpha for target = 1 and 1 - alpha for target = 0
 * (1 for both without alpha). gamma = 0 without alpha is binary cross-entropy.
 */
export function rowLoss(tf: Tf, loss: TrainingLoss): RowLoss {
  if (loss.type === 'binary_cross_entropy') return (y, p) => tf.metrics.binaryCrossentropy(y, p);
  const { gamma, alpha } = loss;
  return (y, p) =>
    tf.tidy(() => {
      const clipped = tf.clipByValue(p, EPSILON, 1 - EPSILON);
      const pt = tf.add(tf.mul(y, clipped), tf.mul(tf.sub(1, y), tf.sub(1, clipped)));
      const focus = gamma === 0 ? tf.onesLike(pt) : tf.pow(tf.sub(1, pt), gamma);
      let perRow = tf.mul(focus, tf.neg(tf.log(pt)));
      if (alpha !== undefined) perRow = tf.mul(perRow, tf.add(tf.mul(y, alpha), tf.mul(tf.sub(1, y), 1 - alpha)));
      return tf.mean(perRow, -1);
    });
}
