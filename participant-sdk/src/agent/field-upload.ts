import type { ContributionKind, Task__Output } from '@syndicate/protocol';
import type { KeyRing } from '../crypto/key-ring';
import { contributionCodec } from './contribution-codec';
import type { SecureSums } from './secure-sums';

/**
 * Integer fields this member contributes to a sum, sealed as the task's round mode
 * says: encrypted under its key epoch and signed (secure) or plain uint32 (plaintext: histograms, statistics).
 */
export async function sendFields(o: {
  task: Task__Output;
  sums: SecureSums;
  keys: KeyRing;
  kind: Exclude<ContributionKind, 'model'>;
  fields: Uint32Array;
}): Promise<{ receiptId: string }> {
  const codec = contributionCodec(o.task, o.sums, o.kind);
  return o.sums.upload({
    task: o.task,
    kind: o.kind,
    encoding: codec.fieldEncoding,
    numParams: 0,
    payload: await codec.sealFields(o.fields),
  });
}
