import { sha256 } from '../wire/sha256';
import { signStatement, verifyStatement, type StatementField } from './signed-statement';

const MODEL_CONFIRMATION_DOMAIN = 'syndicate.v1.model-confirmation';

/**
 * A member's signed word that applying this round's sum to the round's base model gave a model
 * whose payload (float32 weights, then optimizer moments) has this SHA-256. The coordinator
 * records a published model only once two members' statements name the same digest.
 */
export interface ModelConfirmation {
  federationId: string;
  roundId: string;
  baseModelVersionId: string;
  participantId: string;
  modelSha256: Uint8Array;
  signature: Uint8Array;
}

type Unsigned = Omit<ModelConfirmation, 'signature'>;

const fields = (c: Unsigned): StatementField[] => [
  c.federationId,
  c.roundId,
  c.baseModelVersionId,
  c.participantId,
  c.modelSha256,
];

export function signModelConfirmation(c: Unsigned, signSecretKey: Uint8Array): ModelConfirmation {
  if (c.modelSha256.length !== 32) throw new RangeError(`model_sha256 must be 32 bytes, got ${c.modelSha256.length}`);
  return { ...c, signature: signStatement(MODEL_CONFIRMATION_DOMAIN, fields(c), signSecretKey) };
}

export const modelConfirmationValid = (c: ModelConfirmation, signPublicKey: Uint8Array): boolean =>
  c.modelSha256.length === 32 && verifyStatement(MODEL_CONFIRMATION_DOMAIN, fields(c), c.signature, signPublicKey);

/** What the ConfirmModel envelope vouches for: the statement's signature, which covers every field. */
export const modelConfirmationDigest = (signature: Uint8Array): Buffer => sha256(signature);
