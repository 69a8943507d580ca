import { layerSizes, modelLayout, type ModelLayout, type TensorLayout } from './model-layout';
import type { TrainingPlan } from './training-plan';

/**
 * The plan's model in the Keras / TensorFlow.js layers JSON format, so a member
 * can load the global model with `tf.loadLayersModel` (or convert it for Keras)
 * without Syndicate. Written here rather than by tfjs because the coordinator
 * does not run TensorFlow; a test pins it to what tfjs itself emits.
 */

/** Version tag tfjs writes into the topology; tfjs ignores it on load. */
export const TFJS_LAYERS_VERSION = 'tfjs-layers 4.22.0';

/** Activations the named templates use. */
export type TemplateActivation = 'relu' | 'tanh' | 'sigmoid';

/** One Dense layer of the stack a plan's template expands to, with its weight tensors in the flat layout. */
export interface TemplateDenseLayer {
  name: string;
  units: number;
  activation: TemplateActivation;
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
    activation: TemplateActivation;
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

export interface SequentialTopologyJson {
  class_name: 'Sequential';
  config: { name: string; layers: DenseLayerJson[] };
  keras_version: string;
  backend: 'tensor_flow.js';
}

export interface WeightsManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/**
 * Dense layers named dense_0.. (the names the participant SDK gives them), hidden
 * activation from the template, one sigmoid output unit, each with its tensors
 * in the plan's flat layout. Throws for a model that is not a named template.
 */
export function templateDenseLayers(plan: Pick<TrainingPlan, 'schema' | 'model'>): TemplateDenseLayer[] {
  const spec = plan.model as { template: string; activation?: TemplateActivation };
  let hidden: TemplateActivation;
  switch (spec.template) {
    case 'logistic_regression':
      hidden = 'sigmoid'; // no hidden layer; never used
      break;
    case 'mlp':
      hidden = spec.activation ?? 'relu';
      break;
    default:
      throw new Error(`model template "${spec.template}" cannot be exported yet: only the logistic_regression and mlp templates have a layers topology here`);
  }
  const tensors = new Map(modelLayout(plan).tensors.map((t) => [t.name, t]));
  const sizes = layerSizes(plan.model);
  return sizes.map((units, i) => {
    const name = `dense_${i}`;
    const kernel = tensors.get(`${name}/kernel`);
    if (!kernel) throw new Error(`the plan's layout has no ${name}/kernel`);
    const bias = tensors.get(`${name}/bias`);
    return { name, units, activation: i === sizes.length - 1 ? 'sigmoid' : hidden, kernel, ...(bias ? { bias } : {}) };
  });
}

/** The Sequential topology JSON that `tf.models.modelFromJSON` and `tf.loadLayersModel` accept. */
export function layersModelTopology(plan: Pick<TrainingPlan, 'schema' | 'model'> & { name?: string }): SequentialTopologyJson {
  const layers = templateDenseLayers(plan);
  const { inputDim } = modelLayout(plan);
  return {
    class_name: 'Sequential',
    config: {
      name: plan.name ?? 'sequential',
      layers: layers.map((l, i) => ({
        class_name: 'Dense',
        config: {
          units: l.units,
          activation: l.activation,
          use_bias: l.bias !== undefined,
          // tfjs's own Dense defaults, as model.toJSON() writes them; used only if someone re-initialises.
          kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null } },
          bias_initializer: { class_name: 'Zeros', config: {} },
          kernel_regularizer: null,
          bias_regularizer: null,
          activity_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
          name: l.name,
          trainable: true,
          ...(i === 0 ? { batch_input_shape: [null, inputDim] as [null, number], dtype: 'float32' as const } : {}),
        },
      })),
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
