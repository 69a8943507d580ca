import nacl from 'tweetnacl';
import { heRuntime } from './seal-runtime';
import { parameterSet } from './parameter-sets';

/**
 * The federation's secret for one key epoch: the SEAL secret key (decrypts
 * aggregates) and a 32-byte model key (seals the global model under
 * `members-only`). Only members ever hold it; the coordinator relays it sealed.
 */
export interface FederationKey {
  parameterSet: string;
  keyEpoch: number;
  sealSecretKey: Uint8Array;
  modelKey: Uint8Array;
}

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
  return { parameterSet: parameterSetName, keyEpoch, sealSecretKey, modelKey: nacl.randomBytes(32) };
}

/** The epoch and parameter set travel inside the box, so nobody can relabel a share. */
function shareBytes(k: FederationKey): Uint8Array {
  const head = Buffer.alloc(6);
  head.writeUInt8(SHARE_VERSION, 0);
  head.writeUInt8(parameterSet(k.parameterSet).id, 1);
  head.writeUInt32LE(k.keyEpoch, 2);
  return new Uint8Array(Buffer.concat([head, Buffer.from(k.modelKey), Buffer.from(k.sealSecretKey)]));
}

const u8 = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export function sealKeyShare(k: FederationKey, memberBoxPublicKey: Uint8Array, dealerBoxSecretKey: Uint8Array): SealedShare {
  const nonce = nacl.randomBytes(nacl.box.nonceLength);
  return { nonce, box: nacl.box(shareBytes(k), nonce, u8(memberBoxPublicKey), u8(dealerBoxSecretKey)) };
}

export function openKeyShare(
  share: SealedShare,
  expected: { parameterSet: string; keyEpoch: number; dealerBoxPublicKey: Uint8Array },
  memberBoxSecretKey: Uint8Array,
): FederationKey {
  const opened = nacl.box.open(u8(share.box), u8(share.nonce), u8(expected.dealerBoxPublicKey), u8(memberBoxSecretKey));
  if (!opened) throw new KeyShareError('sealed key share does not open with this member\'s box key and the dealer\'s public key (tampered, or not addressed to this member)');
  const b = Buffer.from(opened);
  if (b.length < 38 || b.readUInt8(0) !== SHARE_VERSION) throw new KeyShareError('sealed key share has an unknown format');
  const id = b.readUInt8(1);
  const epoch = b.readUInt32LE(2);
  if (id !== parameterSet(expected.parameterSet).id) throw new KeyShareError(`key share is for parameter set #${id}, expected ${expected.parameterSet}`);
  if (epoch !== expected.keyEpoch) throw new KeyShareError(`key share is for key epoch ${epoch}, expected ${expected.keyEpoch}`);
  return { parameterSet: expected.parameterSet, keyEpoch: epoch, modelKey: new Uint8Array(b.subarray(6, 38)), sealSecretKey: new Uint8Array(b.subarray(38)) };
}
