import type { ContributionKind, ReasonCode } from '@syndicate/protocol';
import type { EntityManager } from 'typeorm';
import { newId } from '../common/ids';
import { SyndicateError } from '../common/syndicate-error';
import type { Contribution } from './accumulators/contribution-accumulator';
import { UpdateReceipt } from './update-receipt.entity';

const DUPLICATE_REASON: Record<ContributionKind, ReasonCode> = {
  model: 'DUPLICATE_UPDATE',
  count: 'DUPLICATE_COUNT',
  evaluation: 'DUPLICATE_EVALUATION',
  stats: 'DUPLICATE_STATS',
};

/** The refusal of a second contribution of one kind: the member's first is in the sum, so it is settled. */
export const duplicateContribution = (c: Pick<Contribution, 'roundId' | 'participantId' | 'kind'>): SyndicateError =>
  new SyndicateError(
    'ALREADY_EXISTS',
    DUPLICATE_REASON[c.kind],
    `participant ${c.participantId} already sent its ${c.kind} for round ${c.roundId}`,
  );

/** Each member sends each kind once per round. */
export async function assertFirstContribution(
  em: EntityManager,
  c: Pick<Contribution, 'roundId' | 'participantId' | 'kind'>,
): Promise<void> {
  const found = await em
    .getRepository(UpdateReceipt)
    .findOne({ where: { roundId: c.roundId, participantId: c.participantId, kind: c.kind } });
  if (found) throw duplicateContribution(c);
}

/** What proves who sent the payload, kept on its receipt. */
export interface ContributionProof {
  payloadSha256: string;
  signature: string;
  /** Secure mode: the sender's signed contribution statement and the digest it signs, hex. */
  contributionSignature?: string;
  contributionDigest?: string;
}

export function saveReceipt(
  em: EntityManager,
  c: Contribution,
  proof: ContributionProof,
  acceptedAt: number,
): Promise<UpdateReceipt> {
  const receipts = em.getRepository(UpdateReceipt);
  return receipts.save(
    receipts.create({
      id: newId('rcp'),
      roundId: c.roundId,
      participantId: c.participantId,
      payloadSha256: proof.payloadSha256,
      signature: proof.signature,
      contributionSignature: proof.contributionSignature ?? null,
      contributionDigest: proof.contributionDigest ?? null,
      numSamples: c.numSamples,
      payloadBytes: String(c.payload.length),
      acceptedAt,
      kind: c.kind,
    }),
  );
}
