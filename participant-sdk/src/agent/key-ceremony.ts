import {
  dealKeyShares,
  generateFederationKey,
  HeKeyHolder,
  openSealedModel,
  sealedModelEpoch,
  sealModel,
  type Task__Output,
} from '@syndicate/protocol';
import type { Logger } from 'pino';
import type { AgentIdentity } from '../crypto/identity-store';
import type { KeyRing } from '../crypto/key-ring';
import type { CoordinatorClient } from './coordinator-client';

/**
 * This member deals a new key epoch: it makes the federation key, re-seals the
 * current model for the new epoch when it is sealed (members-only), then seals
 * the key to every member's X25519 key. The coordinator only relays boxes.
 */
export async function dealKeyEpoch(o: {
  task: Task__Output;
  identity: AgentIdentity;
  client: CoordinatorClient;
  keys: KeyRing;
  numParams: number;
  payloadFloats: number;
  logger: Logger;
}): Promise<void> {
  const { task } = o;
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
  const { shares, wrappedKey } = dealKeyShares(key, task.members, o.identity.boxSecretKey);
  await o.client.submitKeyShares(task.keyEpoch, task.parameterSet, shares, wrappedKey);
  o.keys.remember(key, await HeKeyHolder.open(key));
  o.logger.info(
    { keyEpoch: task.keyEpoch, members: shares.length, resealed: Boolean(task.modelVersionId) },
    'dealt key epoch',
  );
}
