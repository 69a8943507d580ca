import type { TrainingPlan } from '../plan/training-plan';
import { parameterSet, valueBits } from './parameter-sets';
import {
  dequantizeSum,
  fromLimbs,
  quantizationStep,
  quantizeStochastic,
  toLimbs,
  type QuantizerSpec,
} from './quantization';

/** What both sides derive from the plan: nothing here is secret. */
export interface SecureAggregationSpec {
  parameterSet: string;
  clip: number;
  /** Quantization bits per value after headroom for maxParticipants. */
  bits: number;
  /** Limbs carrying a member's weight (>= 24 bits of precision). */
  weightLimbs: number;
  /** Limbs carrying a member's sample count (counts up to 2^40). */
  countLimbs: number;
}

/** The spec a training plan implies; coordinator and members derive the same one. */
export const planSecureSpec = (plan: Pick<TrainingPlan, 'aggregation' | 'rounds'>): SecureAggregationSpec =>
  secureAggregationSpec({
    parameterSet: plan.aggregation.secure.parameterSet,
    clip: plan.aggregation.secure.clip,
    maxParticipants: plan.rounds.maxParticipants,
  });

export function secureAggregationSpec(o: {
  parameterSet: string;
  clip: number;
  maxParticipants: number;
}): SecureAggregationSpec {
  const bits = valueBits(parameterSet(o.parameterSet), o.maxParticipants);
  return {
    parameterSet: o.parameterSet,
    clip: o.clip,
    bits,
    weightLimbs: Math.ceil(24 / bits),
    countLimbs: Math.ceil(40 / bits),
  };
}

const quantizer = (s: SecureAggregationSpec): QuantizerSpec => ({ clip: s.clip, bits: s.bits });
const weightScale = (s: SecureAggregationSpec) => 2 ** (s.weightLimbs * s.bits) - 1;
/** Steps per unit of weight: each member's encoded weight is at most one step below its true weight. */
export const weightResolution = weightScale;

/** Number of packed fields in an update for a model of `numParams` parameters. */
export const updateFieldCount = (s: SecureAggregationSpec, numParams: number): number => numParams + s.weightLimbs;

/** Packed fields of either contribution: an update, or a sample count. */
export const contributionFieldCount = (s: SecureAggregationSpec, kind: 'model' | 'count', numParams: number): number =>
  kind === 'count' ? s.countLimbs : updateFieldCount(s, numParams);

/**
 * A member's contribution: quantize(w * clip(delta)) followed by its weight w,
 * where w = own samples / consortium samples (known only to the member). The
 * weight rides along so the sum renormalises itself when members drop out.
 */
export function encodeWeightedDelta(
  delta: ArrayLike<number>,
  weight: number,
  s: SecureAggregationSpec,
  random: () => number,
): { fields: Uint32Array; clipped: number } {
  if (!(weight > 0 && weight <= 1)) throw new RangeError(`weight must be in (0, 1], got ${weight}`);
  const fields = new Uint32Array(updateFieldCount(s, delta.length));
  let clipped = 0;
  const scaled = new Float64Array(delta.length);
  for (let i = 0; i < delta.length; i++) {
    let d = delta[i];
    if (d > s.clip) {
      d = s.clip;
      clipped++;
    } else if (d < -s.clip) {
      d = -s.clip;
      clipped++;
    }
    scaled[i] = weight * d;
  }
  quantizeStochastic(scaled, quantizer(s), random, fields.subarray(0, delta.length));
  fields.set(toLimbs([Math.floor(weight * weightScale(s))], s.weightLimbs, s.bits), delta.length);
  return { fields, clipped };
}

export interface DecodedAggregate {
  /** Weighted mean delta: sum(w_i * delta_i) / sum(w_i) over the members in the sum. */
  delta: Float64Array;
  totalWeight: number;
  /** Worst-case |delta - exact weighted mean| per parameter due to quantization. */
  errorBound: number;
}

export function decodeAggregate(
  fieldSums: ArrayLike<number>,
  numParams: number,
  contributors: number,
  s: SecureAggregationSpec,
): DecodedAggregate {
  if (fieldSums.length !== updateFieldCount(s, numParams))
    throw new RangeError(`aggregate has ${fieldSums.length} fields, expected ${updateFieldCount(s, numParams)}`);
  const sums = dequantizeSum(
    Array.prototype.slice.call(fieldSums, 0, numParams) as number[],
    contributors,
    quantizer(s),
  );
  const totalWeight =
    fromLimbs(Array.prototype.slice.call(fieldSums, numParams) as number[], s.weightLimbs, s.bits)[0] / weightScale(s);
  if (!(totalWeight > 0)) throw new RangeError('aggregate carries no weight: no member contributed');
  const delta = new Float64Array(numParams);
  for (let i = 0; i < numParams; i++) delta[i] = sums[i] / totalWeight;
  return { delta, totalWeight, errorBound: (contributors * quantizationStep(quantizer(s))) / totalWeight };
}

/** Every member runs exactly these float operations, so all get bit-identical weights. */
export function applyDelta(global: Float32Array, delta: ArrayLike<number>): Float32Array {
  if (global.length !== delta.length)
    throw new RangeError(`delta has ${delta.length} values, the model has ${global.length}`);
  const out = new Float32Array(global.length);
  for (let i = 0; i < global.length; i++) out[i] = global[i] + delta[i];
  return out;
}

export const encodeSampleCount = (n: number, s: SecureAggregationSpec): Uint32Array =>
  toLimbs([n], s.countLimbs, s.bits);
export const countFieldCount = (s: SecureAggregationSpec): number => s.countLimbs;
export const decodeSampleCount = (fieldSums: ArrayLike<number>, s: SecureAggregationSpec): number =>
  fromLimbs(fieldSums, s.countLimbs, s.bits)[0];
