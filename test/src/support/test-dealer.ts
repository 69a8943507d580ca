import { ownCard, type AgentIdentity, type CoordinatorClient } from '@syndicate/participant';
import {
  dealKeyShares,
  generateFederationKey,
  HeKeyHolder,
  sha256,
  signEpochManifest,
  type EpochManifest,
  type FederationKey,
  type MemberCard,
} from '@syndicate/protocol';
import type { TaskInbox } from './task-inbox';

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

/**
 * The first key epoch as an honest dealer deals it: whichever member the coordinator asks first deals a
 * fresh key to all of `members`. The test keeps the key, to play the coordinator and a colluding member.
 */
export async function dealFirstEpoch(
  members: { identity: AgentIdentity; client: CoordinatorClient; inbox: TaskInbox }[],
  parameterSet: string,
  timeoutMs?: number,
): Promise<{ key: FederationKey; holder: HeKeyHolder }> {
  const dealer = await Promise.any(members.map((m) => m.inbox.next('TASK_TYPE_KEY_CEREMONY', timeoutMs).then(() => m)));
  const key = await generateFederationKey(parameterSet, 1);
  await dealSignedEpoch(
    dealer,
    members.map((m) => m.identity),
    key,
  );
  return { key, holder: await HeKeyHolder.open(key) };
}
