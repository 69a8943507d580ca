import type { SecureAggregationSpec } from '../he/secure-update';
import type { FeatureMoments } from '../plan/federated-standardization';

/**
 * The integers a member encrypts for federated standardisation: per feature its
 * count, the positive and negative parts of its sum, and its sum of squares, as
 * fixed-point values (scale 2^20) split into limbs of spec.bits bits. Sums of
 * squares of raw features (incomes, balances) exceed 2^53, so limbs are built
 * with BigInt; MAX_VALUE_BITS covers 2^96 per member.
 */
export const FEATURE_STATS_SCALE_BITS = 20;
const MAX_VALUE_BITS = 96;
const VALUES_PER_FEATURE = 4;

const limbsPerValue = (s: SecureAggregationSpec): number => Math.ceil(MAX_VALUE_BITS / s.bits);

export const featureStatsFieldCount = (s: SecureAggregationSpec, features: number): number =>
  features * VALUES_PER_FEATURE * limbsPerValue(s);

function toBig(x: number, scaleBits: number, what: string): bigint {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`${what} must be finite and non-negative, got ${x}`);
  const v = BigInt(Math.round(x * 2 ** scaleBits));
  if (v >= 1n << BigInt(MAX_VALUE_BITS))
    throw new RangeError(`${what} ${x} is too large to encode (limit 2^${MAX_VALUE_BITS - scaleBits})`);
  return v;
}

export function encodeFeatureStats(m: FeatureMoments, s: SecureAggregationSpec): Uint32Array {
  const k = m.count.length;
  const L = limbsPerValue(s);
  const out = new Uint32Array(featureStatsFieldCount(s, k));
  const mask = (1n << BigInt(s.bits)) - 1n;
  let at = 0;
  for (let i = 0; i < k; i++) {
    const values = [
      toBig(m.count[i], 0, `count of feature ${i}`),
      toBig(Math.max(0, m.sum[i]), FEATURE_STATS_SCALE_BITS, `sum of feature ${i}`),
      toBig(Math.max(0, -m.sum[i]), FEATURE_STATS_SCALE_BITS, `sum of feature ${i}`),
      toBig(m.sumSquares[i], FEATURE_STATS_SCALE_BITS, `sum of squares of feature ${i}`),
    ];
    for (let v of values) {
      for (let j = 0; j < L; j++) {
        out[at++] = Number(v & mask);
        v >>= BigInt(s.bits);
      }
    }
  }
  return out;
}

/** The consortium moments from decrypted field sums (limb sums carry exactly in BigInt). */
export function decodeFeatureStats(
  fieldSums: ArrayLike<number>,
  features: number,
  s: SecureAggregationSpec,
): FeatureMoments {
  const L = limbsPerValue(s);
  if (fieldSums.length !== featureStatsFieldCount(s, features))
    throw new RangeError(
      `feature statistics aggregate has ${fieldSums.length} fields, expected ${featureStatsFieldCount(s, features)}`,
    );
  const value = (index: number, scaleBits: number): number => {
    let v = 0n;
    for (let j = L - 1; j >= 0; j--) {
      const limb = fieldSums[index * L + j];
      if (!Number.isSafeInteger(limb) || limb < 0)
        throw new RangeError(`feature statistics field ${index * L + j} is ${limb}: the aggregate is corrupt`);
      v = (v << BigInt(s.bits)) + BigInt(limb);
    }
    return Number(v) / 2 ** scaleBits;
  };
  const m: FeatureMoments = { count: [], sum: [], sumSquares: [] };
  for (let i = 0; i < features; i++) {
    const base = i * VALUES_PER_FEATURE;
    m.count.push(value(base, 0));
    m.sum.push(value(base + 1, FEATURE_STATS_SCALE_BITS) - value(base + 2, FEATURE_STATS_SCALE_BITS));
    m.sumSquares.push(value(base + 3, FEATURE_STATS_SCALE_BITS));
  }
  return m;
}

/** Every problem with reported consortium moments for `features` standardised features. */
export function featureMomentsProblems(m: FeatureMoments, features: number): string[] {
  const problems: string[] = [];
  for (const k of ['count', 'sum', 'sumSquares'] as const) {
    if (!Array.isArray(m[k]) || m[k].length !== features) problems.push(`${k} must list ${features} numbers`);
    else if (m[k].some((x) => typeof x !== 'number' || !Number.isFinite(x)))
      problems.push(`${k} holds a value that is not a finite number`);
  }
  if (!problems.length) {
    m.count.forEach((c, i) => {
      if (!Number.isSafeInteger(c) || c < 1)
        problems.push(`count[${i}] is ${c}: every standardised feature needs at least one value`);
      if (m.sumSquares[i] < 0) problems.push(`sumSquares[${i}] is negative`);
    });
  }
  return problems;
}
