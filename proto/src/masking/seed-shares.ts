import { hkdfSync } from 'crypto';
import { combine, split } from 'shamir-secret-sharing';
import nacl from 'tweetnacl';
import { statementBytes } from '../trust/signed-statement';
import { selfSeedCommitment } from './mask-key-advert';
import { describeSession, sessionFields, type MaskSession } from './mask-session';
import { maskPublicKeyOf, x25519 } from './pair-seeds';

/** The two secrets a member shares for one session (Bonawitz et al.'s b_u and s_u^SK). */
export interface MaskSecrets {
  selfSeed: Uint8Array;
  maskSecretKey: Uint8Array;
}

/** One holder's shares of one member's secrets, sealed to the holder's pinned box key. */
export interface SealedShares {
  from: string;
  to: string;
  /** 24-byte nonce, then nacl.secretbox of (self-seed share, mask-key share) under the pair's box key. */
  box: Uint8Array;
}

export interface OpenedShares {
  from: string;
  selfShare: Uint8Array;
  keyShare: Uint8Array;
}

export class MaskShareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MaskShareError';
  }
}

const SHARE_DOMAIN = 'syndicate.v1.mask-shares';
const SECRET_BYTES = 32;
const SHARE_BYTES = SECRET_BYTES + 1; // the library appends the share's x-coordinate

/**
 * The secretbox key between sender and recipient for one session: X25519 of their pinned box keys
 * (as nacl.box, but through node's OpenSSL, several times faster: a member seals to and opens from
 * every neighbour), through HKDF bound to the session, sender and recipient, so the coordinator
 * cannot replay a box in another session or pass it off as another member's.
 */
function boxKey(session: MaskSession, from: string, to: string, secretKey: Uint8Array, publicKey: Uint8Array) {
  const info = statementBytes(SHARE_DOMAIN, [...sessionFields(session), from, to]);
  return new Uint8Array(hkdfSync('sha256', x25519(secretKey, publicKey), Buffer.alloc(0), info, 32));
}

/**
 * Splits both secrets t-of-n over the holders (the member itself and its neighbours) and seals
 * each holder's pair of shares to its box key, authenticated by the sender's box key.
 */
export async function dealShares(o: {
  session: MaskSession;
  selfId: string;
  secrets: MaskSecrets;
  threshold: number;
  holders: readonly { participantId: string; boxPublicKey: Uint8Array }[];
  senderBoxSecretKey: Uint8Array;
}): Promise<SealedShares[]> {
  const n = o.holders.length;
  if (o.secrets.selfSeed.length !== SECRET_BYTES || o.secrets.maskSecretKey.length !== SECRET_BYTES) {
    throw new MaskShareError('the self-mask seed and the mask secret key are 32 bytes each');
  }
  if (o.threshold < 2 || o.threshold > n) {
    throw new MaskShareError(`threshold ${o.threshold} must be between 2 and the ${n} share holders`);
  }
  const [selfShares, keyShares] = await Promise.all([
    split(o.secrets.selfSeed, n, o.threshold),
    split(o.secrets.maskSecretKey, n, o.threshold),
  ]);
  return o.holders.map((h, i) => {
    const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
    const key = boxKey(o.session, o.selfId, h.participantId, o.senderBoxSecretKey, h.boxPublicKey);
    const sealed = nacl.secretbox(Buffer.concat([selfShares[i], keyShares[i]]), nonce, key);
    return { from: o.selfId, to: h.participantId, box: Buffer.concat([nonce, sealed]) };
  });
}

/** Opens the shares a peer sealed to this member; throws naming the sender when they are not for this session. */
export function openShares(o: {
  session: MaskSession;
  selfId: string;
  sealed: SealedShares;
  senderBoxPublicKey: Uint8Array;
  recipientBoxSecretKey: Uint8Array;
}): OpenedShares {
  const { from, to, box } = o.sealed;
  const where = describeSession(o.session);
  if (to !== o.selfId)
    throw new MaskShareError(`${where}: shares from ${from} are addressed to ${to}, not this member`);
  const key = boxKey(o.session, from, to, o.recipientBoxSecretKey, o.senderBoxPublicKey);
  const n = nacl.secretbox.nonceLength;
  const plain = nacl.secretbox.open(box.subarray(n), box.subarray(0, n), key);
  if (!plain || plain.length !== 2 * SHARE_BYTES) {
    throw new MaskShareError(
      `${where}: shares from ${from} do not open with its pinned box key for this session (sealed by someone else, or for another session or member)`,
    );
  }
  return { from, selfShare: plain.slice(0, SHARE_BYTES), keyShare: plain.slice(SHARE_BYTES) };
}

function checkCount(shares: readonly Uint8Array[], threshold: number, what: string): void {
  if (shares.length < threshold) {
    throw new MaskShareError(`${what}: ${shares.length} shares revealed, ${threshold} needed to rebuild it`);
  }
  if (shares.some((s) => s.length !== SHARE_BYTES))
    throw new MaskShareError(`${what}: a share is not ${SHARE_BYTES} bytes`);
}

/** A survivor's self-mask seed from revealed shares, checked against the commitment it advertised. */
export async function rebuildSelfSeed(o: {
  session: MaskSession;
  participantId: string;
  shares: readonly Uint8Array[];
  threshold: number;
  commitment: Uint8Array;
}): Promise<Uint8Array> {
  const what = `self-mask seed of ${o.participantId} in the ${describeSession(o.session)}`;
  checkCount(o.shares, o.threshold, what);
  const seed = await combine([...o.shares]);
  if (!Buffer.from(selfSeedCommitment(o.session, o.participantId, seed)).equals(Buffer.from(o.commitment))) {
    throw new MaskShareError(`${what}: the shares rebuild a seed that does not match its advertised commitment`);
  }
  return seed;
}

/** A dropped member's mask secret key from revealed shares, checked against the public key it advertised. */
export async function rebuildMaskKey(o: {
  session: MaskSession;
  participantId: string;
  shares: readonly Uint8Array[];
  threshold: number;
  maskPublicKey: Uint8Array;
}): Promise<Uint8Array> {
  const what = `mask key of ${o.participantId} in the ${describeSession(o.session)}`;
  checkCount(o.shares, o.threshold, what);
  const key = await combine([...o.shares]);
  if (!Buffer.from(maskPublicKeyOf(key)).equals(Buffer.from(o.maskPublicKey))) {
    throw new MaskShareError(`${what}: the shares rebuild a key that does not match its advertised public key`);
  }
  return key;
}
