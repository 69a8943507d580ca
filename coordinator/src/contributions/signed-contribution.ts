import { contributionSignatureValid, type ContributionKind, type ContributionStatement } from '@syndicate/protocol';
import { SyndicateError } from '../common/syndicate-error';
import type { Participant } from '../participants/participant.entity';
import type { Round } from '../rounds/round.entity';
import type { UpdateReceipt } from '../aggregation/update-receipt.entity';

/** What a secure upload's header carries to prove its sender: the statement's signature and the ciphertext's digest. */
export interface ContributionProofClaim {
  payloadSha256: Buffer;
  signature: Buffer;
  digest: Buffer;
}

/**
 * Secure contributions carry their sender's signed statement. Members are the ones who rely on it
 * (they decrypt only sums whose every part is signed); refusing a bad one here keeps an unusable
 * part out of the sum instead of failing the whole round later.
 */
export function assertSignedContribution(
  round: Round,
  participant: Participant,
  kind: ContributionKind,
  claim: ContributionProofClaim,
): ContributionStatement | null {
  if (round.mode !== 'secure') return null;
  const statement: ContributionStatement = {
    federationId: round.federationId,
    roundId: round.id,
    kind,
    keyEpoch: round.keyEpoch,
    participantId: participant.id,
    ciphertextSha256: new Uint8Array(claim.payloadSha256),
    digest: new Uint8Array(claim.digest),
    signature: new Uint8Array(claim.signature),
  };
  if (
    claim.digest.length === 0 ||
    !contributionSignatureValid(statement, Buffer.from(participant.signingPublicKey, 'hex'))
  )
    throw new SyndicateError(
      'UNAUTHENTICATED',
      'BAD_CONTRIBUTION_SIGNATURE',
      `participant ${participant.id}'s ${kind} for round ${round.number} carries no valid contribution statement (signature over federation, round, kind, key epoch, payload hash and digest); upgrade the agent`,
    );
  return statement;
}

/** The signed statements of the receipts a sum is made of, as members check them. */
export function statementsOf(round: Round, receipts: readonly UpdateReceipt[]): ContributionStatement[] {
  return receipts
    .filter((r) => r.contributionSignature && r.contributionDigest)
    .map((r) => ({
      federationId: round.federationId,
      roundId: round.id,
      kind: r.kind,
      keyEpoch: round.keyEpoch,
      participantId: r.participantId,
      ciphertextSha256: Buffer.from(r.payloadSha256, 'hex'),
      digest: Buffer.from(r.contributionDigest!, 'hex'),
      signature: Buffer.from(r.contributionSignature!, 'hex'),
    }));
}
