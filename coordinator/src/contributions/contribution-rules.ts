import { contributionEncoding, type ContributionKind } from '@syndicate/protocol';
import { SyndicateError } from '../common/syndicate-error';
import type { Round } from '../rounds/round.entity';
import type { ContributionProofClaim } from './signed-contribution';

/** What an upload's header claims, before its payload is read. */
export interface ContributionClaim {
  kind: ContributionKind;
  /** The model the update was trained from, or the histograms scored. */
  baseModelVersionId: string;
  encoding: string;
  /** Parameters the payload descriptor declares. */
  numParams: number;
  /** Secure mode: the sender's signed contribution statement. */
  proof?: ContributionProofClaim;
}

const counts = (kind: ContributionKind) => kind === 'count' || kind === 'stats';

/** The round's state takes this kind now, for the model it names. */
export function assertRoundTakes(round: Round, claim: ContributionClaim): void {
  const { kind } = claim;
  if (kind === 'evaluation') {
    if (round.state !== 'published')
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'EVALUATION_NOT_COLLECTING',
        `round ${round.number} is ${round.state}; only a published round's model is evaluated`,
      );
    if (claim.baseModelVersionId !== round.resultModelVersionId) {
      throw new SyndicateError(
        'FAILED_PRECONDITION',
        'WRONG_MODEL',
        `histograms were scored with model ${claim.baseModelVersionId}, round ${round.number} published ${round.resultModelVersionId}`,
      );
    }
    return;
  }
  if (round.state !== (counts(kind) ? 'counting' : 'collecting')) {
    throw new SyndicateError(
      'FAILED_PRECONDITION',
      counts(kind) ? 'ROUND_NOT_COUNTING' : 'ROUND_NOT_COLLECTING',
      `round ${round.number} is ${round.state} and does not accept ${counts(kind) ? 'sample counts or feature statistics' : 'updates'} now`,
    );
  }
  if (kind === 'model' && claim.baseModelVersionId !== round.baseModelVersionId) {
    throw new SyndicateError(
      'FAILED_PRECONDITION',
      'STALE_BASE_MODEL',
      `update was trained from model ${claim.baseModelVersionId}, round ${round.number} trains from ${round.baseModelVersionId}`,
    );
  }
  if (kind === 'count' && round.mode !== 'secure')
    throw new SyndicateError(
      'INVALID_ARGUMENT',
      'UNEXPECTED_COUNT',
      'sample counts are only sent under secure aggregation (a plaintext update carries its own)',
    );
}

/** The payload is encoded as the round's mode and the kind require, and an update fits the model. */
export function assertShape(round: Round, claim: ContributionClaim, numParams: number): void {
  const want = contributionEncoding(round.mode, claim.kind);
  if (claim.encoding !== want) {
    throw new SyndicateError(
      'INVALID_ARGUMENT',
      'UNSUPPORTED_ENCODING',
      `encoding ${claim.encoding} is not accepted by this federation (round ${round.number} expects ${want} for ${claim.kind})`,
    );
  }
  if (claim.kind === 'model' && claim.numParams !== numParams) {
    throw new SyndicateError(
      'INVALID_ARGUMENT',
      'SHAPE_MISMATCH',
      `update has ${claim.numParams} parameters, the model has ${numParams}`,
    );
  }
}

/**
 * Whether the member's right to send this kind is checked against the round's
 * membership (key epoch, evaluators, the statistics round); a plaintext update needs only an active member.
 */
export const checksMembership = (round: Round, kind: ContributionKind): boolean =>
  round.mode === 'secure' || kind === 'evaluation' || kind === 'stats';

/** The in-transaction state check: the round row as locked, not as read before the payload arrived. */
export function assertStillTakes(round: Round | null, roundId: string, kind: ContributionKind): void {
  if (!round || round.state !== (counts(kind) ? 'counting' : 'collecting')) {
    throw new SyndicateError(
      'FAILED_PRECONDITION',
      counts(kind) ? 'ROUND_NOT_COUNTING' : 'ROUND_NOT_COLLECTING',
      `round ${roundId} is ${round?.state ?? 'unknown'}; it does not accept ${counts(kind) ? 'sample counts or feature statistics' : 'updates'} now`,
    );
  }
}
