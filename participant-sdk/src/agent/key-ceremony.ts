import {
  dealKeyShares,
  generateFederationKey,
  HeKeyHolder,
  openSealedModel,
  sealedModelEpoch,
  sealModel,
  cardFromWire,
  type MemberCard,
  type Task__Output,
} from '@syndicate/protocol';
import type { Logger } from 'pino';
import type { AgentIdentity } from '../crypto/identity-store';
import type { KeyRing } from '../crypto/key-ring';
import { MIN_KEY_MEMBERS, signDealtManifest } from '../crypto/trusted-key-share';
import type { MemberTrust } from '../trust/member-trust';
import { TrustRefusal } from '../trust/trust-refusal';
import type { CoordinatorClient } from './coordinator-client';

/**
 * This member deals a new key epoch: it keeps only the members its bank trusts, makes the federation
 * key, re-seals the current model for the new epoch when it is sealed (members-only), seals the key to
 * each trusted member's X25519 key and signs the manifest naming them. The coordinator only relays boxes.
 */
export async function dealKeyEpoch(o: {
  task: Task__Output;
  identity: AgentIdentity;
  client: CoordinatorClient;
  keys: KeyRing;
  trust: MemberTrust;
  numParams: number;
  payloadFloats: number;
  logger: Logger;
}): Promise<void> {
  const { task } = o;
  const sealTo = await trustedMembers(o);
  const key = await generateFederationKey(task.parameterSet, task.keyEpoch);
  if (task.modelVersionId) {
    const current = await o.client.downloadModel(task.modelVersionId);
    const old = await o.keys.get(sealedModelEpoch(current.data));
    // The whole payload: weights, and the server optimizer's moments for fedadam/fedyogi.
    const payload = openSealedModel(current.data, old.key, o.payloadFloats);
    await o.client.publishModel({
      roundId: '',
      baseModelVersionId: current.modelVersionId,
      encoding: 'PAYLOAD_ENCODING_SEALED_FLOAT32',
      numParams: o.numParams,
      payload: sealModel(payload, key),
      keyEpoch: task.keyEpoch,
    });
  }
  const { shares, wrappedKey } = dealKeyShares(key, sealTo.trusted, o.identity.boxSecretKey);
  const signed = signDealtManifest({
    identity: o.identity,
    keyEpoch: task.keyEpoch,
    parameterSet: task.parameterSet,
    members: sealTo.trusted,
    wrappedKey,
  });
  await o.client.submitKeyShares(task.keyEpoch, task.parameterSet, shares, wrappedKey, {
    ...signed,
    excludedParticipantIds: sealTo.excluded.map((x) => x.card.participantId),
  });
  o.keys.remember(key, await HeKeyHolder.open(key));
  o.logger.info(
    {
      keyEpoch: task.keyEpoch,
      members: shares.length,
      excluded: sealTo.excluded.map((x) => x.card.participantId),
      resealed: Boolean(task.modelVersionId),
    },
    'dealt key epoch',
  );
}

/**
 * The members the coordinator named that this bank trusts (itself included); each one excluded is
 * reported, so the audit log says who was left out and why. Refuses to deal to fewer than 3.
 */
async function trustedMembers(o: {
  task: Task__Output;
  identity: AgentIdentity;
  client: CoordinatorClient;
  trust: MemberTrust;
  logger: Logger;
}): Promise<{ trusted: MemberCard[]; excluded: { card: MemberCard; why: string }[] }> {
  const cards = o.task.members.map((m) => cardFromWire(m));
  const split = await o.trust.partition(cards);
  for (const { card, why } of split.excluded) {
    const detail = `key epoch ${o.task.keyEpoch}: not sealing to ${card.displayName} (${card.participantId}): ${why}`;
    o.logger.warn({ keyEpoch: o.task.keyEpoch, member: card.participantId, why }, 'member excluded from key epoch');
    await o.client.reportRefusal('MANIFEST_UNTRUSTED_MEMBER', detail, '', o.task.keyEpoch).catch(() => undefined);
  }
  if (!split.trusted.some((c) => c.participantId === o.identity.participantId)) {
    throw new TrustRefusal(
      'MANIFEST_SELF_MISSING',
      `key epoch ${o.task.keyEpoch}: the ceremony does not name this member with its own keys; not dealing`,
    );
  }
  if (split.trusted.length < MIN_KEY_MEMBERS) {
    const detail =
      `key epoch ${o.task.keyEpoch}: this bank trusts only ${split.trusted.length} of the ${cards.length} members named ` +
      `(at least ${MIN_KEY_MEMBERS} needed); pin or endorse members with syndicate-agent members pin|endorse`;
    await o.client.reportRefusal('KEY_EPOCH_TOO_FEW_TRUSTED', detail, '', o.task.keyEpoch).catch(() => undefined);
    throw new TrustRefusal('KEY_EPOCH_TOO_FEW_TRUSTED', detail);
  }
  return split;
}
