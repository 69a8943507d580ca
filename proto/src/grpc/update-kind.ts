import type { UpdateKind__Output } from '../generated/syndicate/v1/UpdateKind';

/** What a member contributes to a round: its update, or (secure mode) its encrypted sample count. */
export type ContributionKind = 'model' | 'count';

export const toWireUpdateKind = (kind: ContributionKind): UpdateKind__Output => (kind === 'count' ? 'UPDATE_KIND_SAMPLE_COUNT' : 'UPDATE_KIND_MODEL');

/** null for UNSPECIFIED or anything unknown: the caller refuses it by name. */
export function fromWireUpdateKind(wire: string | undefined): ContributionKind | null {
  return wire === 'UPDATE_KIND_SAMPLE_COUNT' ? 'count' : wire === 'UPDATE_KIND_MODEL' ? 'model' : null;
}
