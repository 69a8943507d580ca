import type { ContributionKind, PayloadEncoding, Task__Output } from '@syndicate/protocol';

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

/** Encrypts (and, when the plan masks, masks) a member's fields for one sum: SecureSums.seal. */
export interface FieldSealer {
  seal(
    task: Pick<Task__Output, 'roundId' | 'keyEpoch' | 'deadlineUnixMs'>,
    kind: ContributionKind,
    fields: ArrayLike<number>,
  ): Promise<Buffer>;
}

/** Plain uint32 (plaintext rounds: evaluation histograms and feature statistics). */
const plainFields: ContributionCodec = {
  mode: 'plaintext',
  fieldEncoding: 'PAYLOAD_ENCODING_UINT32_LE',
  sealFields: (fields) => Promise.resolve(Buffer.from(fields.buffer, fields.byteOffset, fields.byteLength)),
};

export function contributionCodec(
  task: Pick<Task__Output, 'parameterSet' | 'keyEpoch' | 'roundId' | 'deadlineUnixMs'>,
  sealer: FieldSealer,
  kind: ContributionKind,
): ContributionCodec {
  if (roundMode(task) !== 'secure') return plainFields;
  // Under the task's key epoch: the coordinator can only add them.
  return {
    mode: 'secure',
    fieldEncoding: 'PAYLOAD_ENCODING_BFV_PACKED',
    sealFields: (f) => sealer.seal(task, kind, f),
  };
}
