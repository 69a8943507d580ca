import {
  applyServerOptimizer,
  decodeFloat32,
  joinModelPayload,
  modelPayloadFloats,
  splitModelPayload,
  type TrainingPlan,
} from '@syndicate/protocol';
import { SyndicateError } from '../common/syndicate-error';

/**
 * The plaintext round's new payload. Plain FedAvg (server learning rate 1) stores the averaged
 * weights; a server learning rate, fedadam and fedyogi treat (average - base) as a pseudo-gradient and step from the base model
 * with the optimizer state stored in its payload.
 */
export function nextPayload(
  plan: TrainingPlan,
  roundNumber: number,
  averaged: Float32Array,
  baseModel: { id: string; encoding: string; data: Buffer },
): Float32Array {
  if (!needsBaseModel(plan)) return averaged;
  if (baseModel.encoding !== 'PAYLOAD_ENCODING_FLOAT32_LE') {
    throw new SyndicateError(
      'INTERNAL',
      'BASE_MODEL_SEALED',
      `round ${roundNumber} starts from sealed model ${baseModel.id}; the coordinator cannot apply ${plan.serverOptimizer.type} to it`,
    );
  }
  const base = splitModelPayload(plan, decodeFloat32(baseModel.data, modelPayloadFloats(plan)));
  const delta = new Float64Array(averaged.length);
  for (let i = 0; i < delta.length; i++) delta[i] = averaged[i] - base.weights[i];
  const next = applyServerOptimizer(plan.serverOptimizer, base.weights, delta, base.state);
  return joinModelPayload(plan, next.weights, next.state);
}

/**
 * Whether the server optimizer needs the base model's payload (its weights, its moments) to compute
 * the next one: all but plain FedAvg, whose result is the average itself. A FedAvg server learning
 * rate steps from the base, as secure rounds do, so the same plan trains the same way in both modes.
 */
export const needsBaseModel = (plan: TrainingPlan): boolean =>
  plan.serverOptimizer.type !== 'fedavg' || (plan.serverOptimizer.learningRate ?? 1) !== 1;
