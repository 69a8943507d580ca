import type { ContributionKind, Task__Output } from '@syndicate/protocol';
import type { KeyRing } from '../crypto/key-ring';
import { contributionCodec } from './contribution-codec';
import type { CoordinatorClient } from './coordinator-client';

/**
 * Integer fields this member contributes to a sum, sealed as the task's round mode
 * says: encrypted under its key epoch (secure) or plain uint32 (plaintext, evaluation only).
 */
export async function sendFields(o: {
  task: Task__Output;
  client: CoordinatorClient;
  keys: KeyRing;
  kind: Exclude<ContributionKind, 'model'>;
  fields: Uint32Array;
}): Promise<{ receiptId: string }> {
  const codec = contributionCodec(o.task, o.keys);
  return o.client.uploadUpdate({
    roundId: o.task.roundId,
    baseModelVersionId: o.task.modelVersionId,
    encoding: codec.fieldEncoding,
    numParams: 0,
    numSamples: 0,
    payload: await codec.sealFields(o.fields),
    kind: o.kind,
    keyEpoch: o.task.keyEpoch,
  });
}
