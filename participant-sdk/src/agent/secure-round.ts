import { randomInt } from 'crypto';
import {
  applyServerOptimizer,
  decodeAggregate,
  decodeSampleCount,
  weightResolution,
  encodeFloat32,
  encodeSampleCount,
  encodeWeightedDelta,
  joinModelPayload,
  seededRandom,
  splitModelPayload,
  sealModel,
  type SecureAggregationSpec,
  type Task__Output,
  type TrainingPlan,
} from '@syndicate/protocol';
import type { KeyRing } from '../crypto/key-ring';
import type { CoordinatorClient } from './coordinator-client';
import { checkCountTotal, checkMeanDelta, checkTotalWeight } from '../trust/aggregate-bounds';
import { sendFields } from './field-upload';
import type { SecureSums } from './secure-sums';

/** Fresh, unpredictable rounding noise for each update (the rounding must not be replayable). */
const roundingNoise = () => seededRandom(randomInt(0, 2 ** 31 - 1));

/** The member's sample count, encrypted: only the consortium total is ever decrypted. */
export async function sendSampleCount(o: {
  task: Task__Output;
  sums: SecureSums;
  keys: KeyRing;
  spec: SecureAggregationSpec;
  numSamples: number;
}): Promise<void> {
  await sendFields({ ...o, kind: 'count', fields: encodeSampleCount(o.numSamples, o.spec) });
}

/** Decrypts the consortium's total sample count; the member's weight is its share of it. */
export async function memberWeight(o: {
  task: Task__Output;
  sums: SecureSums;
  keys: KeyRing;
  spec: SecureAggregationSpec;
  numSamples: number;
}): Promise<{ weight: number; total: number }> {
  const at = { roundId: o.task.roundId, kind: 'count' as const, keyEpoch: o.task.keyEpoch };
  const sum = await o.sums.download({ ...at, secure: true, contributed: true, task: o.task });
  const total = decodeSampleCount(await sum.open(), o.spec);
  await o.sums.assertInRange(checkCountTotal(total, o.numSamples, sum.contributors), at);
  return { weight: o.numSamples / total, total };
}

export async function sendEncryptedDelta(o: {
  task: Task__Output;
  sums: SecureSums;
  keys: KeyRing;
  spec: SecureAggregationSpec;
  global: Float32Array;
  local: Float32Array;
  weight: number;
}): Promise<{ clipped: number; bytes: number; receiptId: string }> {
  const delta = new Float64Array(o.local.length);
  for (let i = 0; i < delta.length; i++) delta[i] = o.local[i] - o.global[i];
  const { fields, clipped } = encodeWeightedDelta(delta, o.weight, o.spec, roundingNoise());
  const payload = await o.sums.seal(o.task, 'model', fields);
  const receipt = await o.sums.upload({
    task: o.task,
    kind: 'model',
    encoding: 'PAYLOAD_ENCODING_BFV_PACKED',
    numParams: o.local.length,
    payload,
  });
  return { clipped, bytes: payload.length, receiptId: receipt.receiptId };
}

/**
 * Decrypts the round's sum and applies it to the round's base model with the plan's
 * server optimizer (fedavg adds it). Every member runs the same integer decode and
 * the same float32 arithmetic on the same base payload (weights, and the optimizer's
 * moments for fedadam/fedyogi), so all obtain bit-identical payloads. The publisher
 * uploads the payload (plain or sealed).
 */
export async function applyAggregate(o: {
  task: Task__Output;
  client: CoordinatorClient;
  sums: SecureSums;
  keys: KeyRing;
  spec: SecureAggregationSpec;
  plan: TrainingPlan;
  /** This member's weight in the round (its count over the consortium's), when it sent an update. */
  ownWeight?: number;
  /** The base model's whole payload: weights, then the optimizer's moments for fedadam/fedyogi. */
  base: Float32Array;
}): Promise<{
  payload: Float32Array;
  weights: Float32Array;
  errorBound: number;
  contributors: number;
  modelVersionId?: string;
}> {
  const { key } = await o.keys.get(o.task.keyEpoch);
  const at = { roundId: o.task.roundId, kind: 'model' as const, keyEpoch: o.task.keyEpoch };
  const sum = await o.sums.download({ ...at, secure: true, contributed: o.ownWeight !== undefined, task: o.task });
  const base = splitModelPayload(o.plan, o.base);
  const agg = decodeAggregate(await sum.open(), base.weights.length, sum.contributors, o.spec);
  await o.sums.assertInRange(
    [
      ...checkTotalWeight(agg.totalWeight, o.ownWeight ?? 0, sum.contributors / weightResolution(o.spec)),
      ...checkMeanDelta(agg.delta, o.spec.clip, agg.errorBound),
    ],
    at,
  );
  const next = applyServerOptimizer(o.plan.serverOptimizer, base.weights, agg.delta, base.state);
  const weights = next.weights;
  const payload = joinModelPayload(o.plan, weights, next.state);
  let modelVersionId: string | undefined;
  if (o.task.publisher) {
    const sealed = o.plan.aggregation.secure.releasePolicy === 'members-only';
    modelVersionId = await o.client.publishModel({
      roundId: o.task.roundId,
      baseModelVersionId: o.task.modelVersionId,
      encoding: sealed ? 'PAYLOAD_ENCODING_SEALED_FLOAT32' : 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams: weights.length,
      payload: sealed ? sealModel(payload, key) : encodeFloat32(payload),
      keyEpoch: o.task.keyEpoch,
    });
  }
  return { payload, weights, errorBound: agg.errorBound, contributors: sum.contributors, modelVersionId };
}
