import { sha256 } from '../wire/sha256';
import { signStatement, statementBytes, verifyStatement, type StatementField } from '../trust/signed-statement';
import { sessionFields, type MaskSession } from './mask-session';

const ADVERT_DOMAIN = 'syndicate.v1.mask-key-advert';
const COMMITMENT_DOMAIN = 'syndicate.v1.self-seed-commitment';

/**
 * What a member announces before a masked sum: its mask public key for the session and a
 * commitment to its self-mask seed, signed with its pinned signing key. Peers agree pair seeds only
 * with advertised keys whose signature verifies, so the coordinator cannot put its own key in the
 * middle; the commitment lets whoever reconstructs the seed from shares check it got the real one.
 */
export interface MaskKeyAdvert {
  session: MaskSession;
  participantId: string;
  maskPublicKey: Uint8Array;
  selfSeedCommitment: Uint8Array;
  signature: Uint8Array;
}

/** Hiding because the seed is 32 random bytes; binding because SHA-256 is collision resistant. */
export const selfSeedCommitment = (session: MaskSession, participantId: string, seed: Uint8Array): Uint8Array =>
  new Uint8Array(sha256(statementBytes(COMMITMENT_DOMAIN, [...sessionFields(session), participantId, seed])));

const fields = (a: Omit<MaskKeyAdvert, 'signature'>): StatementField[] => [
  ...sessionFields(a.session),
  a.participantId,
  a.maskPublicKey,
  a.selfSeedCommitment,
];

export function signMaskKeyAdvert(a: Omit<MaskKeyAdvert, 'signature'>, signSecretKey: Uint8Array): MaskKeyAdvert {
  if (a.maskPublicKey.length !== 32) throw new RangeError('a mask public key is 32 bytes (X25519)');
  if (a.selfSeedCommitment.length !== 32) throw new RangeError('a self-seed commitment is 32 bytes (SHA-256)');
  return { ...a, signature: signStatement(ADVERT_DOMAIN, fields(a), signSecretKey) };
}

/** True when the advert is signed by the member's pinned signing key for exactly this session. */
export const maskKeyAdvertValid = (a: MaskKeyAdvert, signPublicKey: Uint8Array): boolean =>
  a.maskPublicKey.length === 32 &&
  a.selfSeedCommitment.length === 32 &&
  verifyStatement(ADVERT_DOMAIN, fields(a), a.signature, signPublicKey);

const COMMITTED_DOMAIN = 'syndicate.v1.mask-committed-set';

/**
 * Digest of the advertised keys a member masked with (the session's committed set, Bonawitz's U1),
 * in id order. Survivors sign it with their survivor set: a coordinator that handed members
 * different peer lists (say, only its accomplices to one victim) is caught before any share is revealed.
 */
export function committedSetDigest(
  session: MaskSession,
  adverts: readonly Pick<MaskKeyAdvert, 'participantId' | 'maskPublicKey'>[],
): Uint8Array {
  const sorted = [...adverts].sort((a, b) => (a.participantId < b.participantId ? -1 : 1));
  const fields = sorted.flatMap((a): StatementField[] => [a.participantId, a.maskPublicKey]);
  return new Uint8Array(
    sha256(statementBytes(COMMITTED_DOMAIN, [...sessionFields(session), sorted.length, ...fields])),
  );
}
