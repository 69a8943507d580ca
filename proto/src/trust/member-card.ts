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

// The identity is the signing key; ids and names are the coordinator's labels, so they are not bound here.
const boxKeyFields = (c: Pick<MemberCard, 'signPublicKey' | 'boxPublicKey'>) => [c.signPublicKey, c.boxPublicKey];

export function signBoxKey(
  card: Pick<MemberCard, 'signPublicKey' | 'boxPublicKey'>,
  signSecretKey: Uint8Array,
): Uint8Array {
  return signStatement(BOX_KEY_DOMAIN, boxKeyFields(card), signSecretKey);
}

export function boxKeySignatureValid(card: MemberCard): boolean {
  return verifyStatement(BOX_KEY_DOMAIN, boxKeyFields(card), card.boxKeySignature, card.signPublicKey);
}

export const cardFingerprint = (card: Pick<MemberCard, 'signPublicKey'>): string =>
  identityFingerprint(card.signPublicKey);

/** The card a member presents for itself: its keys, with the box key signed by its own signing key. */
export function selfSignedCard(
  participantId: string,
  displayName: string,
  keys: { signPublicKey: Uint8Array; signSecretKey: Uint8Array; boxPublicKey: Uint8Array },
): MemberCard {
  const { signPublicKey, boxPublicKey } = keys;
  return {
    participantId,
    displayName,
    signPublicKey,
    boxPublicKey,
    boxKeySignature: signBoxKey({ signPublicKey, boxPublicKey }, keys.signSecretKey),
  };
}
