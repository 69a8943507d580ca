import type { PayloadEncoding, Task__Output } from '@syndicate/protocol';
import type { KeyRing } from '../crypto/key-ring';

export type RoundMode = 'secure' | 'plaintext';

/** The one place the agent decides: a task carrying an HE parameter set belongs to a secure round. */
export const roundMode = (task: Pick<Task__Output, 'parameterSet'>): RoundMode =>
  task.parameterSet !== '' ? 'secure' : 'plaintext';

/** How this member's integer fields (counts, statistics, histograms) travel for one task. */
export interface ContributionCodec {
  readonly mode: RoundMode;
  readonly fieldEncoding: PayloadEncoding;
  sealFields(fields: Uint32Array): Promise<Buffer>;
}

/** Encrypted under the task's key epoch: the coordinator can only add them. */
const encryptedFields = (keys: Pick<KeyRing, 'get'>, keyEpoch: number): ContributionCodec => ({
  mode: 'secure',
  fieldEncoding: 'PAYLOAD_ENCODING_BFV_PACKED',
  sealFields: async (fields) => (await keys.get(keyEpoch)).holder.encrypt(fields),
});

/** Plain uint32 (plaintext rounds, evaluation only). */
const plainFields: ContributionCodec = {
  mode: 'plaintext',
  fieldEncoding: 'PAYLOAD_ENCODING_UINT32_LE',
  sealFields: (fields) => Promise.resolve(Buffer.from(fields.buffer, fields.byteOffset, fields.byteLength)),
};

export function contributionCodec(
  task: Pick<Task__Output, 'parameterSet' | 'keyEpoch'>,
  keys: Pick<KeyRing, 'get'>,
): ContributionCodec {
  return roundMode(task) === 'secure' ? encryptedFields(keys, task.keyEpoch) : plainFields;
}
