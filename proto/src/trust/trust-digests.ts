import { sha256 } from '../wire/sha256';

/** What the envelopes of the trust RPCs vouch for (see signed-payloads.ts for the others). */
export const membersDigest = (): Buffer => sha256(Buffer.alloc(0));

export const endorsementDigest = (signature: Uint8Array): Buffer => sha256(signature);

export const refusalDigest = (reason: string, detail: string, roundId: string, keyEpoch: number): Buffer =>
  sha256(Buffer.from(JSON.stringify([reason, detail, roundId, keyEpoch]), 'utf8'));
