import type { UpdateKind__Output } from '../generated/syndicate/v1/UpdateKind';

/**
 * What a member contributes to a round: its update, (secure mode) its encrypted
 * sample count, its score histograms of the round's published model, or its
 * encrypted feature moments for federated standardisation.
 */
export type ContributionKind = 'model' | 'count' | 'evaluation' | 'stats';

const TO_WIRE: Record<ContributionKind, UpdateKind__Output> = {
  model: 'UPDATE_KIND_MODEL',
  count: 'UPDATE_KIND_SAMPLE_COUNT',
  evaluation: 'UPDATE_KIND_EVALUATION',
  stats: 'UPDATE_KIND_FEATURE_STATS',
};

export const toWireUpdateKind = (kind: ContributionKind): UpdateKind__Output => TO_WIRE[kind];

/** null for UNSPECIFIED or anything unknown: the caller refuses it by name. */
export function fromWireUpdateKind(wire: string | undefined): ContributionKind | null {
  const found = (Object.keys(TO_WIRE) as ContributionKind[]).find((k) => TO_WIRE[k] === wire);
  return found ?? null;
}

export const KNOWN_UPDATE_KINDS = Object.values(TO_WIRE).join(', ');

/** The phase an upload of each kind is signed for, so one kind can never be replayed as another. */
const UPLOAD_PHASE = {
  model: 'PHASE_UPLOAD',
  count: 'PHASE_COUNT',
  evaluation: 'PHASE_EVALUATE',
  stats: 'PHASE_FEATURE_STATS',
} as const;
export const uploadPhase = (kind: ContributionKind): (typeof UPLOAD_PHASE)[ContributionKind] => UPLOAD_PHASE[kind];
