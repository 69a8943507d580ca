import { splitModelPayload, type TrainingPlan } from '@syndicate/protocol';
import type { AgentContext } from './agent-context';

/** A model version's whole payload: weights, then the server optimizer's moments for fedadam/fedyogi. */
export async function globalPayload(ctx: AgentContext, modelVersionId: string): Promise<Float32Array> {
  return ctx.keys.modelWeights(await ctx.client.downloadModel(modelVersionId), ctx.payloadFloats);
}

export const weightsOf = (plan: TrainingPlan, payload: Float32Array): Float32Array =>
  splitModelPayload(plan, payload).weights;
