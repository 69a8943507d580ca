import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'crypto';
import { statementBytes } from '../trust/signed-statement';
import { sessionFields, type MaskSession } from './mask-session';

/**
 * A member's X25519 mask key pair for one session. It is not the member's box key: a dropped
 * member's mask secret key is reconstructed from shares and so becomes known to the coordinator,
 * and a box key opens the member's sealed HE key share. A fresh pair per session also means a key
 * revealed when a member dropped says nothing about its masks in any later sum.
 */
export interface MaskKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

const PAIR_DOMAIN = 'syndicate.v1.mask-pair-seed';
// X25519 through node's OpenSSL (as signed-statement.ts does for Ed25519): the same function and raw
// keys as tweetnacl's box keys and nacl.scalarMult, several times faster, which matters at 100
// members (99 agreements each, and one more per dropped neighbour when unmasking).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

const rawPublic = (k: KeyObject): Uint8Array => new Uint8Array(k.export({ format: 'der', type: 'spki' }).subarray(12));
const privateKeyObject = (secretKey: Uint8Array): KeyObject => {
  if (secretKey.length !== 32) throw new RangeError('an X25519 secret key is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' });
};

export function newMaskKeyPair(): MaskKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const secretKey = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(16));
  return { publicKey: rawPublic(publicKey), secretKey };
}

export const maskPublicKeyOf = (secretKey: Uint8Array): Uint8Array =>
  rawPublic(createPublicKey(privateKeyObject(secretKey)));

/** Raw X25519 (nacl.scalarMult), refusing low-order peer keys. */
export function x25519(secretKey: Uint8Array, publicKey: Uint8Array): Buffer {
  if (publicKey.length !== 32) throw new RangeError('an X25519 public key is 32 bytes');
  const privateKey = privateKeyObject(secretKey);
  const peer = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  try {
    return diffieHellman({ privateKey, publicKey: peer });
  } catch {
    // OpenSSL refuses a low-order point (the shared secret would be all zeros).
    throw new RangeError('the peer mask public key is a low-order point: no secret can be agreed with it');
  }
}

/** +1 for the member with the smaller id (it adds the pair's mask), -1 for the larger (it subtracts). */
export function pairSign(selfId: string, peerId: string): 1 | -1 {
  if (selfId === peerId) throw new RangeError(`member ${selfId} cannot share a pairwise mask with itself`);
  return selfId < peerId ? 1 : -1;
}

/**
 * The seed two members share for one session: X25519 of one's mask secret key and the other's
 * mask public key, through HKDF bound to the session, both ids and both public keys (in id order,
 * so either side, or whoever reconstructs a dropped member's key, derives the same bytes).
 */
export function pairSeed(
  session: MaskSession,
  self: { participantId: string; maskSecretKey: Uint8Array },
  peer: { participantId: string; maskPublicKey: Uint8Array },
): Uint8Array {
  pairSign(self.participantId, peer.participantId);
  const shared = x25519(self.maskSecretKey, peer.maskPublicKey);
  if (shared.every((b) => b === 0)) throw new RangeError('X25519 gave the all-zero secret: refusing the peer key');
  const mine = { id: self.participantId, key: maskPublicKeyOf(self.maskSecretKey) };
  const theirs = { id: peer.participantId, key: peer.maskPublicKey };
  const [lo, hi] = mine.id < theirs.id ? [mine, theirs] : [theirs, mine];
  const info = statementBytes(PAIR_DOMAIN, [...sessionFields(session), lo.id, lo.key, hi.id, hi.key]);
  return new Uint8Array(hkdfSync('sha256', shared, Buffer.alloc(0), info, 32));
}

/**
 * The pair seeds each survivor shared with each dropped neighbour, rebuilt from the dropped
 * members' revealed mask keys and the survivors' advertised public keys: what unmaskSum takes off.
 */
export function droppedPairSeeds(
  session: MaskSession,
  dropped: readonly { participantId: string; maskSecretKey: Uint8Array }[],
  survivors: readonly { participantId: string; maskPublicKey: Uint8Array }[],
  areNeighbours: (a: string, b: string) => boolean = () => true,
): { survivorId: string; droppedId: string; seed: Uint8Array }[] {
  return dropped.flatMap((d) =>
    survivors
      .filter((v) => areNeighbours(v.participantId, d.participantId))
      .map((v) => ({ survivorId: v.participantId, droppedId: d.participantId, seed: pairSeed(session, d, v) })),
  );
}
