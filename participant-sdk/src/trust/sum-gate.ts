import { checkSumStatements, MIN_CONTRIBUTORS_FLOOR, type ContributionStatement } from '@syndicate/protocol';
import type { MemberTrust } from './member-trust';
import { TrustRefusal } from './trust-refusal';

export interface SumContext {
  federationId: string;
  roundId: string;
  kind: string;
  keyEpoch: number;
  participantId: string;
  /** Whether this member sent a contribution of this kind in this round. */
  contributed: boolean;
}

/**
 * The member's gate before decrypting any sum: the coordinator must show, signed by each sender,
 * at least `minContributors` distinct trusted members of this round, kind and key epoch.
 * Returns the contributors' ids; throws a TrustRefusal naming what is wrong otherwise.
 */
export async function admitSum(
  statements: readonly ContributionStatement[],
  ctx: SumContext,
  trust: MemberTrust,
  minContributors: number,
): Promise<string[]> {
  if (statements.some((s) => 'why' in trust.trustedKey(s.participantId))) await trust.refresh();
  const v = checkSumStatements(statements, {
    federationId: ctx.federationId,
    roundId: ctx.roundId,
    kind: ctx.kind,
    keyEpoch: ctx.keyEpoch,
    minContributors: Math.max(MIN_CONTRIBUTORS_FLOOR, minContributors),
    self: { participantId: ctx.participantId, contributed: ctx.contributed },
    trustedKey: (id) => trust.trustedKey(id),
  });
  if (!v.ok) throw new TrustRefusal(v.code, `round ${ctx.roundId} ${ctx.kind} sum: ${v.message}`);
  return v.contributors;
}
