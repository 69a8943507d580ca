import { denseLayerWeights, modelLayout, type StackActivation } from '@syndicate/protocol';
import { inputEncoding, type InputEncodingEntry } from './input-encoding';
import type { ExportablePlan, ModelExportOptions } from './tfjs-export';

export interface JsonWeightsLayer {
  name: string;
  /** TensorFlow.js activation name (relu, tanh, sigmoid, hardSigmoid, ...). */
  activation: StackActivation;
  /** [input][unit]: output_k = activation(sum_j x_j * kernel[j][k] + bias[k]). */
  kernel: number[][];
  /** All zeros when the layer has no bias. */
  bias: number[];
}

export interface JsonWeights {
  format: 'syndicate-weights-v1';
  plan: { name: string; sha256?: string };
  modelVersionId?: string;
  roundNumber?: number;
  target: string;
  /** The Dense layers in order; Dropout layers are left out (they are the identity when scoring). */
  layers: JsonWeightsLayer[];
  inputEncoding: InputEncodingEntry[];
}

/**
 * The model as plain JSON numbers, for tools that have no TensorFlow (Python,
 * R, SAS, a spreadsheet). Each float32 is written as the double it equals, so
 * nothing is rounded on the way.
 */
export function jsonWeights(plan: ExportablePlan, weights: Float32Array, opts: ModelExportOptions = {}): JsonWeights {
  const layout = modelLayout(plan);
  if (weights.length !== layout.numParams)
    throw new Error(`weight vector has ${weights.length} parameters, the model has ${layout.numParams}`);
  const layers = denseLayerWeights(plan).map((l): JsonWeightsLayer => {
    const [rows, cols] = l.kernel.shape;
    const at = l.kernel.offset;
    const kernel = Array.from({ length: rows }, (_, r) =>
      Array.from(weights.subarray(at + r * cols, at + (r + 1) * cols)),
    );
    const bias = l.bias
      ? Array.from(weights.subarray(l.bias.offset, l.bias.offset + l.bias.size))
      : new Array<number>(l.units).fill(0);
    return { name: l.name, activation: l.activation, kernel, bias };
  });
  return {
    format: 'syndicate-weights-v1',
    plan: { name: plan.name, ...(opts.planSha256 ? { sha256: opts.planSha256 } : {}) },
    ...(opts.modelVersionId ? { modelVersionId: opts.modelVersionId } : {}),
    ...(opts.roundNumber !== undefined ? { roundNumber: opts.roundNumber } : {}),
    target: plan.schema.target.name,
    layers,
    inputEncoding: inputEncoding(plan.schema),
  };
}
