import type { DataSchema, ModelSpec, TrainingPlan } from './training-plan';

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

/** Width of the encoded input: one column per numeric feature, one-hot per categorical value. */
export function inputDimension(schema: DataSchema): number {
  return schema.features.reduce((n, f) => n + (f.type === 'numeric' ? 1 : f.vocabulary.length), 0);
}

/** Dense layer sizes the template expands to, ending in one sigmoid unit. */
export function layerSizes(model: ModelSpec): number[] {
  return model.template === 'mlp' ? [...model.hiddenUnits, 1] : [1];
}

/**
 * Flat parameter layout: for each Dense layer its kernel [in, out] then bias [out],
 * row-major. Both sides derive it from the plan, so a flat float vector is
 * unambiguous without shipping shapes.
 */
export function modelLayout(plan: Pick<TrainingPlan, 'schema' | 'model'>): ModelLayout {
  const inputDim = inputDimension(plan.schema);
  const tensors: TensorLayout[] = [];
  let offset = 0;
  let fanIn = inputDim;
  layerSizes(plan.model).forEach((units, i) => {
    for (const [suffix, shape] of [
      ['kernel', [fanIn, units]],
      ['bias', [units]],
    ] as const) {
      const size = shape.reduce((a, b) => a * b, 1);
      tensors.push({ name: `dense_${i}/${suffix}`, shape: [...shape], offset, size });
      offset += size;
    }
    fanIn = units;
  });
  return { inputDim, tensors, numParams: offset };
}
