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
