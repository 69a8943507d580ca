import { identityFingerprint } from './fingerprint';
import { signStatement, verifyStatement } from './signed-statement';

const BOX_KEY_DOMAIN = 'syndicate.v1.box-key';

/** What a member shows the others: its identity and the X25519 key it receives sealed secrets on. */
export interface MemberCard {
  participantId: string;
  displayName: string;
  signPublicKey: Uint8Array;
  boxPublicKey: Uint8Array;
  /** The member's own Ed25519 signature binding its box key to it, so no relay can swap the key. */
  boxKeySignature: Uint8Array;
}

const boxKeyFields = (
  federationId: string,
  c: Pick<MemberCard, 'participantId' | 'signPublicKey' | 'boxPublicKey'>,
) => [federationId, c.participantId, c.signPublicKey, c.boxPublicKey];

export function signBoxKey(
  federationId: string,
  card: Pick<MemberCard, 'participantId' | 'signPublicKey' | 'boxPublicKey'>,
  signSecretKey: Uint8Array,
): Uint8Array {
  return signStatement(BOX_KEY_DOMAIN, boxKeyFields(federationId, card), signSecretKey);
}

export function boxKeySignatureValid(federationId: string, card: MemberCard): boolean {
  return verifyStatement(BOX_KEY_DOMAIN, boxKeyFields(federationId, card), card.boxKeySignature, card.signPublicKey);
}

export const cardFingerprint = (card: Pick<MemberCard, 'signPublicKey'>): string =>
  identityFingerprint(card.signPublicKey);
