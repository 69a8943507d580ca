import { decodeFloat64, encodeFloat64 } from '@syndicate/protocol';
import type { AggregationStrategy } from './aggregation-strategy';

/** Weighted FedAvg: sum of n_i * w_i in float64, divided by sum of n_i at the end. */
export interface FedAvgState {
  weightedSum: Float64Array;
  totalWeight: number;
  contributors: number;
}

export function fedAvgInit(numParams: number): FedAvgState {
  return { weightedSum: new Float64Array(numParams), totalWeight: 0, contributors: 0 };
}

export function fedAvgAdd(state: FedAvgState, update: Float32Array, weight: number): FedAvgState {
  if (update.length !== state.weightedSum.length) {
    throw new RangeError(`update has ${update.length} parameters, the model has ${state.weightedSum.length}`);
  }
  if (!(weight > 0) || !Number.isFinite(weight))
    throw new RangeError(`weight must be a positive finite number, got ${weight}`);
  const sum = state.weightedSum;
  for (let i = 0; i < sum.length; i++) sum[i] += weight * update[i];
  return { weightedSum: sum, totalWeight: state.totalWeight + weight, contributors: state.contributors + 1 };
}

export function fedAvgFinalize(state: FedAvgState): Float32Array {
  if (state.contributors === 0) throw new RangeError('cannot average zero updates');
  const out = new Float32Array(state.weightedSum.length);
  for (let i = 0; i < out.length; i++) out[i] = state.weightedSum[i] / state.totalWeight;
  return out;
}

/** Pure weighted mean of whole vectors; the reference the streaming form is tested against. */
export function fedAvg(updates: readonly { weights: Float32Array; numSamples: number }[]): Float32Array {
  let state = fedAvgInit(updates[0]?.weights.length ?? 0);
  for (const u of updates) state = fedAvgAdd(state, u.weights, u.numSamples);
  return fedAvgFinalize(state);
}

export const fedAvgStrategy: AggregationStrategy<FedAvgState> = {
  name: 'fedavg',
  init: fedAvgInit,
  add: fedAvgAdd,
  finalize: fedAvgFinalize,
  serialize: (s) => ({ data: encodeFloat64(s.weightedSum), totalWeight: s.totalWeight, contributors: s.contributors }),
  deserialize: ({ data, totalWeight, contributors }) => ({
    weightedSum: decodeFloat64(data),
    totalWeight,
    contributors,
  }),
};
