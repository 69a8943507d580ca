import { selfSignedCard, type MemberCard } from '@syndicate/protocol';
import type { AgentIdentity } from '../crypto/identity-store';

/** This member's card as the others check it: its own keys, its box key signed by its signing key. */
export const ownCard = (id: AgentIdentity, displayName = id.participantId): MemberCard =>
  selfSignedCard(id.participantId, displayName, {
    signPublicKey: id.signingPublicKey,
    signSecretKey: id.signingSecretKey,
    boxPublicKey: id.boxPublicKey,
  });
