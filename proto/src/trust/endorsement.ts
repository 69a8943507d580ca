import { signStatement, verifyStatement } from './signed-statement';

const ENDORSEMENT_DOMAIN = 'syndicate.v1.endorsement';

/** A member vouching, after checking out of band, that a signing key belongs to the named bank. */
export interface Endorsement {
  federationId: string;
  /** The endorsed member's Ed25519 public key. */
  subjectSignPublicKey: Uint8Array;
  subjectDisplayName: string;
  endorserSignPublicKey: Uint8Array;
  signature: Uint8Array;
}

const fields = (e: Omit<Endorsement, 'signature' | 'endorserSignPublicKey'>) => [
  e.federationId,
  e.subjectSignPublicKey,
  e.subjectDisplayName,
];

export function signEndorsement(
  e: Omit<Endorsement, 'signature' | 'endorserSignPublicKey'>,
  endorser: { signPublicKey: Uint8Array; signSecretKey: Uint8Array },
): Endorsement {
  return {
    ...e,
    endorserSignPublicKey: endorser.signPublicKey,
    signature: signStatement(ENDORSEMENT_DOMAIN, fields(e), endorser.signSecretKey),
  };
}

export const endorsementValid = (e: Endorsement): boolean =>
  verifyStatement(ENDORSEMENT_DOMAIN, fields(e), e.signature, e.endorserSignPublicKey);
