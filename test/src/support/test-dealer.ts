import { ownCard, type AgentIdentity, type CoordinatorClient } from '@syndicate/participant';
import {
  dealKeyShares,
  sha256,
  signEpochManifest,
  type EpochManifest,
  type FederationKey,
  type MemberCard,
} from '@syndicate/protocol';

/** A member's card as it enrolled: its own keys, its box key signed by its signing key. */
export function memberCard(id: AgentIdentity, displayName = id.participantId): MemberCard {
  return ownCard(id, displayName);
}

/**
 * The test plays an honest dealer: seals `key` to `members`, signs the epoch manifest naming them and
 * submits both, as a member's agent would after checking its trust policy.
 */
export async function dealSignedEpoch(
  dealer: { identity: AgentIdentity; client: CoordinatorClient },
  members: AgentIdentity[],
  key: FederationKey,
  excludedParticipantIds: string[] = [],
): Promise<{ manifest: EpochManifest; signature: Uint8Array }> {
  const cards = members.map((m) => memberCard(m)).sort((a, b) => (a.participantId < b.participantId ? -1 : 1));
  const { shares, wrappedKey } = dealKeyShares(key, cards, dealer.identity.boxSecretKey);
  const manifest: EpochManifest = {
    federationId: dealer.identity.federationId,
    keyEpoch: key.keyEpoch,
    parameterSet: key.parameterSet,
    members: cards,
    wrappedKeySha256: sha256(wrappedKey),
    dealerParticipantId: dealer.identity.participantId,
  };
  const signature = signEpochManifest(manifest, dealer.identity.signingSecretKey);
  await dealer.client.submitKeyShares(key.keyEpoch, key.parameterSet, shares, wrappedKey, {
    manifest,
    signature,
    excludedParticipantIds,
  });
  return { manifest, signature };
}
