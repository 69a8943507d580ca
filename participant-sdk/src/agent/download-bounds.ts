import {
  contributionFieldCount,
  splitEvaluationFieldCount,
  featureStatsFieldCount,
  featureStatsFieldsNeeded,
  HE_HEADER_BYTES,
  modelLayout,
  modelPayloadFloats,
  parameterSet,
  planSecureSpec,
  type ContributionKind,
  type TrainingPlan,
} from '@syndicate/protocol';

/** A sealed model adds a fixed frame to its float32 bytes (as the coordinator allows on publish). */
const SEALED_FRAME_BYTES = 48;
/** Serialisation header room per ciphertext, on top of its polynomial data. */
const CIPHERTEXT_OVERHEAD_BYTES = 1024;

/** Largest model payload the plan allows: float32 weights (and server optimizer moments), sealed or not. */
export function modelDownloadBound(plan: TrainingPlan): number {
  return modelPayloadFloats(plan) * 4 + SEALED_FRAME_BYTES;
}

function valueCount(plan: TrainingPlan, kind: ContributionKind): number {
  const spec = planSecureSpec(plan);
  if (kind === 'evaluation') return splitEvaluationFieldCount(spec, plan.evaluation.bins);
  if (kind === 'stats') return featureStatsFieldCount(spec, featureStatsFieldsNeeded(plan).features.length);
  return contributionFieldCount(spec, kind, modelLayout(plan).numParams);
}

/**
 * Largest aggregate of `kind` the plan allows, whatever the coordinator's header says: unseeded BFV
 * ciphertexts (two full polynomials each) or float64 plaintext sums, whichever is larger. A header
 * announcing more is refused before a byte is allocated.
 */
export function aggregateDownloadBound(plan: TrainingPlan, kind: ContributionKind): number {
  const values = valueCount(plan, kind);
  const p = parameterSet(plan.aggregation.secure.parameterSet);
  const perCiphertext = p.polyModulusDegree * p.fieldsPerSlot;
  const ciphertexts = Math.ceil(values / perCiphertext);
  const ciphertextBytes = 2 * p.polyModulusDegree * p.coeffModulusBits.length * 8 + CIPHERTEXT_OVERHEAD_BYTES;
  const plainBytes = Math.max(values, modelLayout(plan).numParams) * 8;
  return Math.max(HE_HEADER_BYTES + ciphertexts * ciphertextBytes, plainBytes);
}
