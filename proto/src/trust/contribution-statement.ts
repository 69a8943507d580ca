import { signStatement, verifyStatement, type StatementField } from './signed-statement';

const CONTRIBUTION_DOMAIN = 'syndicate.v1.contribution';

/** A member's signed word that it sent this ciphertext for this round, kind and key epoch. */
export interface ContributionStatement {
  federationId: string;
  roundId: string;
  kind: string;
  keyEpoch: number;
  participantId: string;
  ciphertextSha256: Uint8Array;
  /** The ciphertext's linear digest under the round's member-only key (he/sum-digest.ts). */
  digest: Uint8Array;
  signature: Uint8Array;
}

type Unsigned = Omit<ContributionStatement, 'signature'>;

const fields = (s: Unsigned): StatementField[] => [
  s.federationId,
  s.roundId,
  s.kind,
  s.keyEpoch,
  s.participantId,
  s.ciphertextSha256,
  s.digest,
];

export function signContribution(s: Unsigned, signSecretKey: Uint8Array): ContributionStatement {
  return { ...s, signature: signStatement(CONTRIBUTION_DOMAIN, fields(s), signSecretKey) };
}

export const contributionSignatureValid = (s: ContributionStatement, signPublicKey: Uint8Array): boolean =>
  verifyStatement(CONTRIBUTION_DOMAIN, fields(s), s.signature, signPublicKey);
