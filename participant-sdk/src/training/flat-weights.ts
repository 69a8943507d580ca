import type { ModelLayout } from '@syndicate/protocol';
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from './backend';

/** Splits a flat parameter vector into tensors shaped by the layout (caller disposes). */
export function toTensors(tf: Tf, layout: ModelLayout, flat: Float32Array): TF.Tensor[] {
  if (flat.length !== layout.numParams) {
    throw new Error(`weight vector has ${flat.length} parameters, the model has ${layout.numParams}`);
  }
  return layout.tensors.map((t) => tf.tensor(flat.subarray(t.offset, t.offset + t.size), t.shape, 'float32'));
}

/** Reads a model's weights into one flat vector in layout order. */
export function fromModel(model: TF.LayersModel, layout: ModelLayout): Float32Array {
  const out = new Float32Array(layout.numParams);
  const weights = model.getWeights();
  if (weights.length !== layout.tensors.length) {
    throw new Error(`model has ${weights.length} weight tensors, the plan's layout has ${layout.tensors.length}`);
  }
  weights.forEach((w, i) => {
    const t = layout.tensors[i];
    if (w.size !== t.size) throw new Error(`tensor ${t.name} has ${w.size} values, layout says ${t.size}`);
    out.set(w.dataSync() as Float32Array, t.offset);
  });
  return out;
}
