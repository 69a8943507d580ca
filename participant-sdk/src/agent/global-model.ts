import { splitModelPayload, type TrainingPlan } from '@syndicate/protocol';
import { TrustRefusal } from '../trust/trust-refusal';
import type { AgentContext } from './agent-context';
import { payloadSha256 } from './round-memory';

/**
 * A model version's whole payload: weights, then the server optimizer's moments for fedadam/fedyogi.
 * When this member computed that round's model itself from the sum, the served one must be identical
 * bit for bit (same SHA-256, remembered across restarts): it never trains on or evaluates a model one member (or the coordinator) imposed.
 */
export async function globalPayload(ctx: AgentContext, modelVersionId: string): Promise<Float32Array> {
  const model = await ctx.client.downloadModel(modelVersionId);
  const payload = await ctx.keys.modelWeights(model, ctx.payloadFloats);
  const mine = ctx.memory.appliedIn(model.roundNumber);
  if (mine && mine !== payloadSha256(payload)) {
    const err = new TrustRefusal(
      'MODEL_MISMATCH',
      `model ${modelVersionId} of round ${model.roundNumber} differs from the one this member computed from the round's sum; it is not trained on or evaluated`,
    );
    await ctx.client.reportRefusal(err.reason, err.message).catch(() => undefined);
    throw err;
  }
  return payload;
}

export const weightsOf = (plan: TrainingPlan, payload: Float32Array): Float32Array =>
  splitModelPayload(plan, payload).weights;
