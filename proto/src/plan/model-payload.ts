import { initialWeights } from './initial-weights';
import { modelLayout } from './model-layout';
import type { ServerOptimizerState } from './server-optimizer';
import type { TrainingPlan } from './training-plan';

type PayloadPlan = Pick<TrainingPlan, 'schema' | 'model' | 'seed' | 'serverOptimizer'>;

/**
 * A model version's payload as float32 values: the weights, followed for fedadam and
 * fedyogi by the server optimizer's moments m and v. Under secure aggregation only
 * members can update the model, and a member that missed rounds must still compute
 * the same next model as the others, so the optimizer state travels with the weights.
 * `step` is not stored: the update does not use it.
 */
export function modelPayloadFloats(plan: PayloadPlan): number {
  const n = modelLayout(plan).numParams;
  return plan.serverOptimizer.type === 'fedavg' ? n : 3 * n;
}

export function splitModelPayload(
  plan: PayloadPlan,
  floats: Float32Array,
): { weights: Float32Array; state: ServerOptimizerState | null } {
  const n = modelLayout(plan).numParams;
  const expected = modelPayloadFloats(plan);
  if (floats.length !== expected)
    throw new Error(
      `model payload has ${floats.length} values, the plan's model with its server optimizer needs ${expected}`,
    );
  if (plan.serverOptimizer.type === 'fedavg') return { weights: floats, state: null };
  return {
    weights: floats.subarray(0, n),
    state: { m: floats.subarray(n, 2 * n), v: floats.subarray(2 * n, 3 * n), step: 0 },
  };
}

export function joinModelPayload(
  plan: PayloadPlan,
  weights: Float32Array,
  state: ServerOptimizerState | null,
): Float32Array {
  const n = modelLayout(plan).numParams;
  if (weights.length !== n) throw new Error(`weight vector has ${weights.length} values, the model has ${n}`);
  if (plan.serverOptimizer.type === 'fedavg') return weights;
  if (!state || state.m.length !== n || state.v.length !== n)
    throw new Error(`${plan.serverOptimizer.type} needs server optimizer moments of ${n} values each`);
  const out = new Float32Array(3 * n);
  out.set(weights, 0);
  out.set(state.m, n);
  out.set(state.v, 2 * n);
  return out;
}

/** Version 0: the plan's initial weights with m = 0 and v = tau^2, applyServerOptimizer's own starting state. */
export function initialModelPayload(plan: PayloadPlan): Float32Array {
  const weights = initialWeights(plan);
  const opt = plan.serverOptimizer;
  if (opt.type === 'fedavg') return weights;
  const n = weights.length;
  const v = new Float32Array(n).fill(Math.fround(opt.epsilon * opt.epsilon));
  return joinModelPayload(plan, weights, { m: new Float32Array(n), v, step: 0 });
}
