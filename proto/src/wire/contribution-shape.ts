import { splitEvaluationFieldCount } from '../evaluation/evaluation-contribution';
import type { PayloadEncoding__Output } from '../generated/syndicate/v1/PayloadEncoding';
import type { ContributionKind } from '../grpc/update-kind';
import { encryptedSizeFor } from '../he/ciphertext-sum';
import { heRuntime } from '../he/seal-runtime';
import { contributionFieldCount, planSecureSpec } from '../he/secure-update';
import { featureStatsFieldsNeeded } from '../plan/federated-standardization';
import { modelLayout } from '../plan/model-layout';
import type { TrainingPlan } from '../plan/training-plan';
import { featureStatsFieldCount } from '../preprocessing/feature-stats-contribution';

/** How a round's contributions travel: BFV ciphertexts, or plaintext numbers. */
export type AggregationMode = 'plaintext' | 'secure';

/**
 * The encoding a contribution of `kind` must carry: any secure contribution is a
 * BFV ciphertext; in plaintext, histograms and feature statistics are the same exact uint32
 * fields (summed without encryption) and updates float32.
 */
export function contributionEncoding(mode: AggregationMode, kind: ContributionKind): PayloadEncoding__Output {
  if (mode === 'secure') return 'PAYLOAD_ENCODING_BFV_PACKED';
  return kind === 'model' ? 'PAYLOAD_ENCODING_FLOAT32_LE' : 'PAYLOAD_ENCODING_UINT32_LE';
}

/** The encoding of a round's summed contributions as the coordinator serves them back. */
export function aggregateEncoding(mode: AggregationMode): PayloadEncoding__Output {
  return mode === 'secure' ? 'PAYLOAD_ENCODING_BFV_PACKED' : 'PAYLOAD_ENCODING_FLOAT64_LE';
}

/**
 * Values one contribution of `kind` carries, as both sides derive them from the
 * plan: float32 weights for a plaintext update, packed integer fields otherwise.
 * `evaluationBins` is the evaluation's bin count (ignored for other kinds).
 */
export function contributionValues(
  plan: TrainingPlan,
  kind: ContributionKind,
  mode: AggregationMode,
  evaluationBins = 0,
): number {
  const spec = planSecureSpec(plan);
  if (kind === 'evaluation') return splitEvaluationFieldCount(spec, evaluationBins);
  if (kind === 'stats') return featureStatsFieldCount(spec, featureStatsFieldsNeeded(plan).features.length);
  const numParams = modelLayout(plan).numParams;
  return mode === 'secure' ? contributionFieldCount(spec, kind, numParams) : numParams;
}

/** The largest payload a contribution of `valueCount` values can be: its ciphertexts, or 4 bytes a value. */
export async function contributionMaxBytes(
  mode: AggregationMode,
  valueCount: number,
  parameterSet: string,
): Promise<number> {
  return mode === 'secure' ? encryptedSizeFor(await heRuntime(parameterSet), valueCount) : valueCount * 4;
}
