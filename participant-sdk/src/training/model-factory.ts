import { layerStack, modelLayout, type TrainingPlan } from '@syndicate/protocol';
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from './backend';
import { toTensors } from './flat-weights';

/**
 * The plan's model as a Sequential (Dense layers named dense_0.., weightless
 * Dropout between) ending in one sigmoid unit, holding `weights`. Templates and
 * tfjs_layers JSON go through the same layer stack the layout is computed from,
 * so the flat vector always lines up.
 */
export function buildModel(
  tf: Tf,
  plan: Pick<TrainingPlan, 'schema' | 'model'>,
  weights: Float32Array,
  /** For training: the plan's L2 penalty on kernels (model.fit adds it to the loss). */
  o: { l2?: number } = {},
): TF.Sequential {
  const layout = modelLayout(plan);
  const model = tf.sequential();
  let dense = 0;
  layerStack(plan.model).forEach((layer, i) => {
    const inputShape = i === 0 ? [layout.inputDim] : undefined;
    if (layer.kind === 'dropout') {
      model.add(tf.layers.dropout({ rate: layer.rate, inputShape, name: `dropout_${i}` }));
      return;
    }
    model.add(
      tf.layers.dense({
        units: layer.units,
        activation: layer.activation,
        useBias: layer.useBias,
        inputShape,
        // Overwritten by setWeights below; zeros skip drawing random numbers.
        kernelInitializer: 'zeros',
        ...(o.l2 ? { kernelRegularizer: tf.regularizers.l2({ l2: o.l2 }) } : {}),
        name: `dense_${dense++}`,
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
