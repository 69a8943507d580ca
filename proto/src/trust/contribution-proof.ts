import { createHash } from 'crypto';
import type { HeRuntime } from '../he/seal-runtime';
import { payloadDigest, sumDigestKey } from '../he/sum-digest';
import { signContribution, type ContributionStatement } from './contribution-statement';

/**
 * A member's signed statement for one encrypted contribution: what it sends, for which round, kind
 * and key epoch, with the ciphertext's digest under the round's member-only key.
 */
export function proveContribution(o: {
  rt: HeRuntime;
  epochSecret: Uint8Array;
  signSecretKey: Uint8Array;
  federationId: string;
  roundId: string;
  kind: string;
  keyEpoch: number;
  participantId: string;
  payload: Uint8Array;
}): ContributionStatement {
  const at = { federationId: o.federationId, roundId: o.roundId, kind: o.kind, keyEpoch: o.keyEpoch };
  return signContribution(
    {
      ...at,
      participantId: o.participantId,
      ciphertextSha256: createHash('sha256').update(o.payload).digest(),
      digest: payloadDigest(o.rt, o.payload, sumDigestKey(o.epochSecret, at)),
    },
    o.signSecretKey,
  );
}
