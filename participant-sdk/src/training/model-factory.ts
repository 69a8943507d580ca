import { layerSizes, modelLayout, type TrainingPlan } from '@syndicate/protocol';
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from './backend';
import { toTensors } from './flat-weights';

/** The plan's template as a Sequential of Dense layers ending in one sigmoid unit, holding `weights`. */
export function buildModel(tf: Tf, plan: Pick<TrainingPlan, 'schema' | 'model'>, weights: Float32Array): TF.Sequential {
  const layout = modelLayout(plan);
  const sizes = layerSizes(plan.model);
  const model = tf.sequential();
  sizes.forEach((units, i) => {
    const last = i === sizes.length - 1;
    model.add(
      tf.layers.dense({
        units,
        activation: last ? 'sigmoid' : plan.model.template === 'mlp' ? plan.model.activation : 'sigmoid',
        inputShape: i === 0 ? [layout.inputDim] : undefined,
        name: `dense_${i}`,
      }),
    );
  });
  const tensors = toTensors(tf, layout, weights);
  try {
    model.setWeights(tensors);
  } finally {
    tensors.forEach((t) => t.dispose());
  }
  return model;
}
