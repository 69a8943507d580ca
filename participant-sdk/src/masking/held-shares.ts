import { openShares, type MaskSession, type MaskSessionView__Output, type OpenedShares } from '@syndicate/protocol';
import type { AgentIdentity } from '../crypto/identity-store';
import type { MemberTrust } from '../trust/member-trust';

/**
 * The shares peers sealed to this member for a sum, opened with their pinned box keys. A share from
 * a member outside this bank's trust set is left sealed: it never counts towards a reveal.
 */
export function openHeldShares(
  session: MaskSession,
  view: MaskSessionView__Output,
  identity: AgentIdentity,
  trust: MemberTrust,
): Map<string, OpenedShares> {
  const holdings = new Map<string, OpenedShares>();
  for (const sealed of view.shares) {
    const card = trust.cardOf(sealed.from);
    if (!card || trust.whyUntrusted(card)) continue;
    holdings.set(
      sealed.from,
      openShares({
        session,
        selfId: identity.participantId,
        sealed,
        senderBoxPublicKey: card.boxPublicKey,
        recipientBoxSecretKey: identity.boxSecretKey,
      }),
    );
  }
  return holdings;
}
