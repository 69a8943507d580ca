import type { ContributionKind } from '../grpc/update-kind';
import type { StatementField } from '../trust/signed-statement';

/**
 * One masked sum: every secret of the masking protocol (self-mask seed, mask key pair, shares,
 * survivor set) belongs to exactly one session. A round's count, model, statistics and evaluation
 * sums are separate sessions because their contributors can differ: a member that is in the count
 * sum but dropped before the model upload must have its self-mask revealed for one and its mask key
 * for the other, which is safe only when the two share no secret.
 */
export interface MaskSession {
  federationId: string;
  roundId: string;
  keyEpoch: number;
  kind: ContributionKind;
}

/** The session as signed-statement fields, in one fixed order (every derivation and signature binds them). */
export const sessionFields = (s: MaskSession): StatementField[] => [s.federationId, s.roundId, s.keyEpoch, s.kind];

export const sameSession = (a: MaskSession, b: MaskSession): boolean =>
  a.federationId === b.federationId && a.roundId === b.roundId && a.keyEpoch === b.keyEpoch && a.kind === b.kind;

export const describeSession = (s: MaskSession): string =>
  `${s.kind} sum of round ${s.roundId} (federation ${s.federationId}, key epoch ${s.keyEpoch})`;
