import nacl from 'tweetnacl';
import { heRuntime } from './seal-runtime';
import { parameterSet } from './parameter-sets';

/**
 * The federation's secret for one key epoch: the SEAL secret key (decrypts
 * aggregates) and a 32-byte model key (seals the global model under
 * `members-only`), both derived from or wrapped under a 32-byte epoch secret.
 * Only members ever hold it; the coordinator relays it sealed.
 */
export interface FederationKey {
  parameterSet: string;
  keyEpoch: number;
  epochSecret: Uint8Array;
  sealSecretKey: Uint8Array;
  modelKey: Uint8Array;
}

/** Domain-separated 32-byte keys from the epoch secret. */
const derive = (secret: Uint8Array, label: string): Uint8Array =>
  nacl.hash(new Uint8Array(Buffer.concat([Buffer.from(`syndicate/v1/${label}`), Buffer.from(secret)]))).subarray(0, 32);

export interface SealedShare {
  nonce: Uint8Array;
  box: Uint8Array;
}

const SHARE_VERSION = 1;

export class KeyShareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyShareError';
  }
}

/** Made by the dealer member during a key ceremony. */
export async function generateFederationKey(parameterSetName: string, keyEpoch: number): Promise<FederationKey> {
  const rt = await heRuntime(parameterSetName);
  const keygen = rt.seal.KeyGenerator(rt.context);
  const sk = keygen.secretKey();
  const sealSecretKey = sk.saveArray(rt.seal.ComprModeType.none);
  sk.delete();
  keygen.delete();
  const epochSecret = nacl.randomBytes(32);
  return {
    parameterSet: parameterSetName,
    keyEpoch,
    epochSecret,
    sealSecretKey,
    modelKey: derive(epochSecret, 'model-key'),
  };
}

/**
 * The SEAL secret key (about 33 kB) is wrapped once under the epoch secret, so
 * each member's box carries only 32 bytes and a ceremony for many members
 * stays one small message: nonce | secretbox.
 */
export function wrapSealKey(k: FederationKey): Uint8Array {
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from(nonce),
      Buffer.from(nacl.secretbox(new Uint8Array(k.sealSecretKey), nonce, derive(k.epochSecret, 'seal-key-wrap'))),
    ]),
  );
}

/** The epoch and parameter set travel inside the box, so nobody can relabel a share. */
function shareBytes(k: FederationKey): Uint8Array {
  const head = Buffer.alloc(6);
  head.writeUInt8(SHARE_VERSION, 0);
  head.writeUInt8(parameterSet(k.parameterSet).id, 1);
  head.writeUInt32LE(k.keyEpoch, 2);
  return new Uint8Array(Buffer.concat([head, Buffer.from(k.epochSecret)]));
}

const u8 = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export function sealKeyShare(
  k: FederationKey,
  memberBoxPublicKey: Uint8Array,
  dealerBoxSecretKey: Uint8Array,
): SealedShare {
  const nonce = nacl.randomBytes(nacl.box.nonceLength);
  return { nonce, box: nacl.box(shareBytes(k), nonce, u8(memberBoxPublicKey), u8(dealerBoxSecretKey)) };
}

export function openKeyShare(
  share: SealedShare,
  expected: { parameterSet: string; keyEpoch: number; dealerBoxPublicKey: Uint8Array; wrappedKey: Uint8Array },
  memberBoxSecretKey: Uint8Array,
): FederationKey {
  const opened = nacl.box.open(u8(share.box), u8(share.nonce), u8(expected.dealerBoxPublicKey), u8(memberBoxSecretKey));
  if (!opened)
    throw new KeyShareError(
      "sealed key share does not open with this member's box key and the dealer's public key (tampered, or not addressed to this member)",
    );
  const b = Buffer.from(opened);
  if (b.length !== 38 || b.readUInt8(0) !== SHARE_VERSION)
    throw new KeyShareError('sealed key share has an unknown format');
  const id = b.readUInt8(1);
  const epoch = b.readUInt32LE(2);
  if (id !== parameterSet(expected.parameterSet).id)
    throw new KeyShareError(`key share is for parameter set #${id}, expected ${expected.parameterSet}`);
  if (epoch !== expected.keyEpoch)
    throw new KeyShareError(`key share is for key epoch ${epoch}, expected ${expected.keyEpoch}`);
  const epochSecret = new Uint8Array(b.subarray(6, 38));
  const wrapped = u8(expected.wrappedKey);
  const sealSecretKey =
    wrapped.length > nacl.secretbox.nonceLength
      ? nacl.secretbox.open(
          wrapped.subarray(nacl.secretbox.nonceLength),
          wrapped.subarray(0, nacl.secretbox.nonceLength),
          derive(epochSecret, 'seal-key-wrap'),
        )
      : null;
  if (!sealSecretKey)
    throw new KeyShareError(
      'the wrapped SEAL key does not open with this epoch secret (tampered, or from another epoch)',
    );
  return {
    parameterSet: expected.parameterSet,
    keyEpoch: epoch,
    epochSecret,
    sealSecretKey,
    modelKey: derive(epochSecret, 'model-key'),
  };
}

/** Everything a dealer hands the coordinator: one 32-byte box per member and the wrapped SEAL key. */
export function dealKeyShares(
  k: FederationKey,
  members: { participantId: string; boxPublicKey: Uint8Array }[],
  dealerBoxSecretKey: Uint8Array,
): { shares: { participantId: string; nonce: Uint8Array; sealedKey: Uint8Array }[]; wrappedKey: Uint8Array } {
  const shares = members.map((m) => {
    const s = sealKeyShare(k, m.boxPublicKey, dealerBoxSecretKey);
    return { participantId: m.participantId, nonce: s.nonce, sealedKey: s.box };
  });
  return { shares, wrappedKey: wrapSealKey(k) };
}
