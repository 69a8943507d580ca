import { readSequentialLayers, type StackLayerSpec } from './sequential-layers';
import type { DataSchema, FeatureSpec, ModelSpec, TrainingPlan } from './training-plan';
import { MISSING_CATEGORY, OTHER_CATEGORY } from './training-plan';

/** One weight tensor of the model, in the order TensorFlow.js `getWeights()` returns them. */
export interface TensorLayout {
  name: string;
  shape: number[];
  /** Offset of the tensor in the flat parameter vector. */
  offset: number;
  size: number;
}

export interface ModelLayout {
  inputDim: number;
  tensors: TensorLayout[];
  numParams: number;
}

/** One-hot columns of a categorical feature: its vocabulary, then "__missing__" under `missing: category`. */
export function categoryColumns(f: Extract<FeatureSpec, { type: 'categorical' }>): string[] {
  return f.missing === 'category' ? [...f.vocabulary, MISSING_CATEGORY] : f.vocabulary;
}

/** What a categorical feature does with a value outside its vocabulary: its own policy, else the schema's. */
export function unknownPolicy(
  schema: Pick<DataSchema, 'unknownCategory'>,
  f: Extract<FeatureSpec, { type: 'categorical' }>,
): typeof OTHER_CATEGORY | 'error' {
  return f.unknownCategory ?? schema.unknownCategory ?? OTHER_CATEGORY;
}

/** Encoded columns a feature takes: 1 when numeric, one per category column when categorical. */
export function featureWidth(f: FeatureSpec): number {
  return f.type === 'numeric' ? 1 : categoryColumns(f).length;
}

/** Width of the encoded input: one column per numeric feature, one-hot per categorical value (plus a missing column when the policy adds one). */
export function inputDimension(schema: DataSchema): number {
  return schema.features.reduce((n, f) => n + featureWidth(f), 0);
}

/**
 * The model as a stack of Dense (and weightless Dropout) layers ending in one
 * sigmoid unit. Throws for tfjs_layers JSON the plan schema would refuse.
 */
export function layerStack(model: ModelSpec): StackLayerSpec[] {
  if (model.template === 'logistic_regression')
    return [{ kind: 'dense', units: 1, activation: 'sigmoid', useBias: true }];
  if (model.template === 'mlp') {
    return [
      ...model.hiddenUnits.map((units): StackLayerSpec => ({
        kind: 'dense',
        units,
        activation: model.activation,
        useBias: true,
      })),
      { kind: 'dense', units: 1, activation: 'sigmoid', useBias: true },
    ];
  }
  const read = readSequentialLayers(model.layers);
  if (read.problems.length) throw new Error(`model.layers: ${read.problems.join('; ')}`);
  return read.layers;
}

/** Dense layer sizes the model expands to, ending in one sigmoid unit. */
export function layerSizes(model: ModelSpec): number[] {
  return layerStack(model).flatMap((l) => (l.kind === 'dense' ? [l.units] : []));
}

/**
 * Flat parameter layout: for each Dense layer its kernel [in, out] then bias [out]
 * (when it has one), row-major. Both sides derive it from the plan, so a flat
 * float vector is unambiguous without shipping shapes.
 */
export function modelLayout(plan: Pick<TrainingPlan, 'schema' | 'model'>): ModelLayout {
  const inputDim = inputDimension(plan.schema);
  const tensors: TensorLayout[] = [];
  let offset = 0;
  let fanIn = inputDim;
  let dense = 0;
  for (const layer of layerStack(plan.model)) {
    if (layer.kind !== 'dense') continue;
    const shapes: [string, number[]][] = [['kernel', [fanIn, layer.units]]];
    if (layer.useBias) shapes.push(['bias', [layer.units]]);
    for (const [suffix, shape] of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      tensors.push({ name: `dense_${dense}/${suffix}`, shape, offset, size });
      offset += size;
    }
    fanIn = layer.units;
    dense++;
  }
  return { inputDim, tensors, numParams: offset };
}
