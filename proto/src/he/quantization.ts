/**
 * Fixed-point codec for aggregation under BFV: values are clipped to
 * [-clip, clip] and mapped to integers 0..2^bits-1 with unbiased stochastic
 * rounding (E[decode(encode(x))] = x). Offsets cancel in the sum because the
 * number of contributors is known.
 */
export interface QuantizerSpec {
  clip: number;
  bits: number;
}

export const quantizationStep = (s: QuantizerSpec): number => (2 * s.clip) / (2 ** s.bits - 1);

export function quantizeStochastic(
  values: ArrayLike<number>,
  s: QuantizerSpec,
  random: () => number,
  out = new Uint32Array(values.length),
): { q: Uint32Array; clipped: number } {
  const levels = 2 ** s.bits - 1;
  const step = quantizationStep(s);
  let clipped = 0;
  for (let i = 0; i < values.length; i++) {
    let v = values[i];
    if (v > s.clip) {
      v = s.clip;
      clipped++;
    } else if (v < -s.clip) {
      v = -s.clip;
      clipped++;
    }
    const x = (v + s.clip) / step;
    const floor = Math.floor(x);
    const q = floor + (random() < x - floor ? 1 : 0);
    out[i] = Math.min(levels, Math.max(0, q));
  }
  return { q: out, clipped };
}

/** Decodes a sum of `contributors` quantized vectors back to the sum of their values. */
export function dequantizeSum(sums: ArrayLike<number>, contributors: number, s: QuantizerSpec): Float64Array {
  const step = quantizationStep(s);
  const out = new Float64Array(sums.length);
  for (let i = 0; i < sums.length; i++) out[i] = sums[i] * step - contributors * s.clip;
  return out;
}

/** Worst case |decoded sum - true sum| per value: each stochastic rounding moves a value by less than one step. */
export const sumErrorBound = (contributors: number, s: QuantizerSpec): number => contributors * quantizationStep(s);

/** Splits non-negative integers (< 2^53) into little-endian limbs of `bits` bits. */
export function toLimbs(values: ArrayLike<number>, limbs: number, bits: number): Uint32Array {
  const out = new Uint32Array(values.length * limbs);
  const base = 2 ** bits;
  for (let i = 0; i < values.length; i++) {
    let v = values[i];
    if (!Number.isSafeInteger(v) || v < 0 || v >= base ** limbs)
      throw new RangeError(`value ${v} does not fit in ${limbs} limbs of ${bits} bits`);
    for (let j = 0; j < limbs; j++) {
      out[i * limbs + j] = v % base;
      v = Math.floor(v / base);
    }
  }
  return out;
}

/** Recombines limb sums (each limb may have grown past `bits` bits; the carry is exact). */
export function fromLimbs(limbSums: ArrayLike<number>, limbs: number, bits: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < limbSums.length / limbs; i++) {
    let v = 0;
    for (let j = limbs - 1; j >= 0; j--) v = v * 2 ** bits + limbSums[i * limbs + j];
    out.push(v);
  }
  return out;
}
