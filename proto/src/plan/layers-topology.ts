import { layerStack, modelLayout, type ModelLayout, type TensorLayout } from './model-layout';
import type { StackActivation, StackLayerSpec } from './sequential-layers';
import type { TrainingPlan } from './training-plan';

/**
 * The plan's model in the Keras / TensorFlow.js layers JSON format, so a member
 * can load the global model with `tf.loadLayersModel` (or convert it for Keras)
 * without Syndicate. Written here rather than by tfjs because the coordinator
 * does not run TensorFlow; a test pins it to what tfjs itself emits.
 */

/** Version tag tfjs writes into the topology; tfjs ignores it on load. */
export const TFJS_LAYERS_VERSION = 'tfjs-layers 4.22.0';

/** One Dense layer of the plan's model, with its weight tensors in the flat layout. */
export interface DenseLayerWeights {
  name: string;
  units: number;
  /** TensorFlow.js activation name. */
  activation: StackActivation;
  kernel: TensorLayout;
  bias?: TensorLayout;
}

export interface KerasInitializerJson {
  class_name: string;
  config: Record<string, string | number | null>;
}

export interface DenseLayerJson {
  class_name: 'Dense';
  config: {
    units: number;
    /** As tfjs serialises it (Keras spelling, e.g. hard_sigmoid). */
    activation: string;
    use_bias: boolean;
    kernel_initializer: KerasInitializerJson;
    bias_initializer: KerasInitializerJson;
    kernel_regularizer: null;
    bias_regularizer: null;
    activity_regularizer: null;
    kernel_constraint: null;
    bias_constraint: null;
    name: string;
    trainable: true;
    /** Only on the first layer: [batch (null), input width], with its dtype. */
    batch_input_shape?: [null, number];
    dtype?: 'float32';
  };
}

export interface DropoutLayerJson {
  class_name: 'Dropout';
  config: {
    rate: number;
    noise_shape: null;
    seed: null;
    name: string;
    trainable: true;
    batch_input_shape?: [null, number];
    dtype?: 'float32';
  };
}

export interface SequentialTopologyJson {
  class_name: 'Sequential';
  config: { name: string; layers: (DenseLayerJson | DropoutLayerJson)[] };
  keras_version: string;
  backend: 'tensor_flow.js';
}

export interface WeightsManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** Names as tfjs writes them in a topology (its serialiser uses the Keras spelling). */
const SERIALIZED_ACTIVATION: Partial<Record<StackActivation, string>> = { hardSigmoid: 'hard_sigmoid' };

type NamedStackLayer = StackLayerSpec & { name: string };

/**
 * The plan's layer stack named as the participant SDK names it: Dense layers
 * dense_0, dense_1, .. by their count, Dropout layers dropout_<position>.
 */
function namedStack(plan: Pick<TrainingPlan, 'model'>): NamedStackLayer[] {
  let stack: StackLayerSpec[];
  try {
    stack = layerStack(plan.model);
  } catch (err) {
    throw new Error(
      `cannot export the plan's model (${(plan.model as { template: string }).template}): ${(err as Error).message}`,
    );
  }
  let dense = 0;
  return stack.map((l, i) => ({ ...l, name: l.kind === 'dense' ? `dense_${dense++}` : `dropout_${i}` }));
}

/** The Dense layers with their tensors in the flat layout (Dropout is the identity at inference, so it has none). */
export function denseLayerWeights(plan: Pick<TrainingPlan, 'schema' | 'model'>): DenseLayerWeights[] {
  const stack = namedStack(plan);
  const tensors = new Map(modelLayout(plan).tensors.map((t) => [t.name, t]));
  return stack.flatMap((l) => {
    if (l.kind !== 'dense') return [];
    const kernel = tensors.get(`${l.name}/kernel`);
    if (!kernel) throw new Error(`the plan's layout has no ${l.name}/kernel`);
    const bias = tensors.get(`${l.name}/bias`);
    return [{ name: l.name, units: l.units, activation: l.activation, kernel, ...(bias ? { bias } : {}) }];
  });
}

/** The Sequential topology JSON that `tf.models.modelFromJSON` and `tf.loadLayersModel` accept. */
export function layersModelTopology(
  plan: Pick<TrainingPlan, 'schema' | 'model'> & { name?: string },
): SequentialTopologyJson {
  const stack = namedStack(plan);
  const { inputDim } = modelLayout(plan);
  const first = { batch_input_shape: [null, inputDim] as [null, number], dtype: 'float32' as const };
  return {
    class_name: 'Sequential',
    config: {
      name: plan.name ?? 'sequential',
      layers: stack.map((l, i): DenseLayerJson | DropoutLayerJson =>
        l.kind === 'dropout'
          ? {
              class_name: 'Dropout',
              config: {
                rate: l.rate,
                noise_shape: null,
                seed: null,
                name: l.name,
                trainable: true,
                ...(i === 0 ? first : {}),
              },
            }
          : {
              class_name: 'Dense',
              config: {
                units: l.units,
                activation: SERIALIZED_ACTIVATION[l.activation] ?? l.activation,
                use_bias: l.useBias,
                // tfjs's own Dense defaults (Glorot), not the SDK's zeros: used only if someone re-initialises and trains afresh.
                kernel_initializer: {
                  class_name: 'VarianceScaling',
                  config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null },
                },
                bias_initializer: { class_name: 'Zeros', config: {} },
                kernel_regularizer: null,
                bias_regularizer: null,
                activity_regularizer: null,
                kernel_constraint: null,
                bias_constraint: null,
                name: l.name,
                trainable: true,
                ...(i === 0 ? first : {}),
              },
            },
      ),
    },
    keras_version: TFJS_LAYERS_VERSION,
    backend: 'tensor_flow.js',
  };
}

/**
 * Manifest entries for the flat weight vector, in layout order: the .bin shard is
 * the flat vector itself (little-endian float32), so no reordering is needed.
 */
export function weightsManifest(layout: ModelLayout): WeightsManifestEntry[] {
  return layout.tensors.map((t) => ({ name: t.name, shape: [...t.shape], dtype: 'float32' }));
}
