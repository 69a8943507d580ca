import { createHash } from 'crypto';

/**
 * What each signed request's envelope vouches for (its payload_sha256). Both sides
 * must compute these byte-for-byte alike, so they live here and nowhere else.
 */
const digest = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

export const subscribeDigest = (): Buffer => digest(Buffer.alloc(0));

export const downloadDigest = (modelVersionId: string): Buffer => digest(Buffer.from(modelVersionId, 'utf8'));

export function evaluationDigest(modelVersionId: string, m: { numExamples: string; loss: number; accuracy: number; auc: number }): Buffer {
  return digest(Buffer.from(JSON.stringify([modelVersionId, m.numExamples, m.loss, m.accuracy, m.auc]), 'utf8'));
}

export const fetchKeyDigest = (keyEpoch: number): Buffer => digest(Buffer.from(String(keyEpoch), 'utf8'));

export const aggregateDigest = (roundId: string, kind: string): Buffer => digest(Buffer.from(JSON.stringify([roundId, kind]), 'utf8'));

/** Binds the dealer's signature to every share, in member order. */
export function keySharesDigest(keyEpoch: number, parameterSet: string, shares: { participantId: string; nonce: Uint8Array; sealedKey: Uint8Array }[], wrappedKey: Uint8Array): Buffer {
  const sorted = [...shares].sort((a, b) => (a.participantId < b.participantId ? -1 : 1));
  return digest(
    Buffer.from(
      JSON.stringify([keyEpoch, parameterSet, digest(wrappedKey).toString('hex'), sorted.map((s) => [s.participantId, Buffer.from(s.nonce).toString('base64'), Buffer.from(s.sealedKey).toString('base64')])]),
      'utf8',
    ),
  );
}
