import { createHash } from 'crypto';

/**
 * What each signed request's envelope vouches for (its payload_sha256). Both sides
 * must compute these byte-for-byte alike, so they live here and nowhere else.
 */
const digest = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

export const subscribeDigest = (): Buffer => digest(Buffer.alloc(0));

export const downloadDigest = (modelVersionId: string): Buffer => digest(Buffer.from(modelVersionId, 'utf8'));

/** The consortium evaluation histogram a member reports, in one canonical form (counts as decimal strings). */
export interface EvaluationHistogramWire {
  bins: number;
  negatives: (string | number)[];
  positives: (string | number)[];
  sumSquaredError: number;
  sumLogLoss: number;
}

/** Covers the validation histogram and the test histogram: a relay cannot swap either. */
export function evaluationDigest(
  modelVersionId: string,
  contributors: number,
  validation: EvaluationHistogramWire,
  test: EvaluationHistogramWire,
): Buffer {
  const counts = (xs: (string | number)[]) => xs.map((x) => String(x));
  const fields = (h: EvaluationHistogramWire) => [
    h.bins,
    counts(h.negatives),
    counts(h.positives),
    h.sumSquaredError,
    h.sumLogLoss,
  ];
  return digest(
    Buffer.from(JSON.stringify([modelVersionId, contributors, ...fields(validation), fields(test)]), 'utf8'),
  );
}

export const standardizationDigest = (momentsJson: string): Buffer => digest(Buffer.from(momentsJson, 'utf8'));

/** Covers a schema-collection step: what it asks and what it carries (names or ciphertext). */
export const schemaCollectionDigest = (step: string, namesJson: string, payload: Uint8Array): Buffer =>
  digest(Buffer.concat([Buffer.from(JSON.stringify([step, namesJson]), 'utf8'), Buffer.from(digest(payload))]));

export const fetchKeyDigest = (keyEpoch: number): Buffer => digest(Buffer.from(String(keyEpoch), 'utf8'));

export const aggregateDigest = (roundId: string, kind: string): Buffer =>
  digest(Buffer.from(JSON.stringify([roundId, kind]), 'utf8'));

/** Binds the dealer's signature to every share, in member order. */
export function keySharesDigest(
  keyEpoch: number,
  parameterSet: string,
  shares: { participantId: string; nonce: Uint8Array; sealedKey: Uint8Array }[],
  wrappedKey: Uint8Array,
): Buffer {
  const sorted = [...shares].sort((a, b) => (a.participantId < b.participantId ? -1 : 1));
  return digest(
    Buffer.from(
      JSON.stringify([
        keyEpoch,
        parameterSet,
        digest(wrappedKey).toString('hex'),
        sorted.map((s) => [
          s.participantId,
          Buffer.from(s.nonce).toString('base64'),
          Buffer.from(s.sealedKey).toString('base64'),
        ]),
      ]),
      'utf8',
    ),
  );
}

/** The audit head a member witnesses: what it signs, what it keeps, what an auditor checks. */
export interface AuditHeadWire {
  federationId: string;
  seq: number;
  hash: string;
}

/** Domain-separated, so a witness signature can never pass for any other signed message. */
export const auditHeadDigest = (h: AuditHeadWire): Buffer =>
  digest(Buffer.from(JSON.stringify(['syndicate/audit-head/v1', h.federationId, h.seq, h.hash]), 'utf8'));

/**
 * One step of the pairwise-masking protocol: the step's name, round and kind, and every field the
 * step carries (keys, shares, signatures, ids), so a relay can neither change nor replay one.
 */
export function maskStepDigest(
  step: 'advertise' | 'view' | 'sign' | 'reveal',
  roundId: string,
  kind: string,
  fields: readonly (string | Uint8Array)[],
): Buffer {
  const enc = fields.map((f) => (typeof f === 'string' ? `s:${f}` : `b:${Buffer.from(f).toString('base64')}`));
  return digest(Buffer.from(JSON.stringify([step, roundId, kind, enc]), 'utf8'));
}
