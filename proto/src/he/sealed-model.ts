import nacl from 'tweetnacl';
import { WireFormatError } from '../wire/errors';
import { decodeFloat32, encodeFloat32 } from '../wire/float32-codec';
import type { FederationKey } from './federation-key';

/**
 * The global model under `members-only`: float32 weights in an XSalsa20-Poly1305
 * box keyed by the epoch's model key. The coordinator stores it and cannot read it.
 *   'SYSM' | key epoch u32 LE | 24-byte nonce | secretbox
 */
const MAGIC = Buffer.from('SYSM');

export function sealModel(weights: Float32Array, key: FederationKey): Buffer {
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  const epoch = Buffer.alloc(4);
  epoch.writeUInt32LE(key.keyEpoch);
  const body = nacl.secretbox(new Uint8Array(encodeFloat32(weights)), nonce, new Uint8Array(key.modelKey));
  return Buffer.concat([MAGIC, epoch, Buffer.from(nonce), Buffer.from(body)]);
}

export function sealedModelEpoch(bytes: Uint8Array): number {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 8 + nacl.secretbox.nonceLength || !b.subarray(0, 4).equals(MAGIC))
    throw new WireFormatError('BAD_SEAL', 'not a sealed Syndicate model');
  return b.readUInt32LE(4);
}

export function openSealedModel(bytes: Uint8Array, key: FederationKey, numParams?: number): Float32Array {
  const epoch = sealedModelEpoch(bytes);
  if (epoch !== key.keyEpoch)
    throw new WireFormatError(
      'KEY_EPOCH_MISMATCH',
      `model is sealed under key epoch ${epoch}, the key is for epoch ${key.keyEpoch}`,
    );
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nonce = new Uint8Array(b.subarray(8, 8 + nacl.secretbox.nonceLength));
  const opened = nacl.secretbox.open(
    new Uint8Array(b.subarray(8 + nacl.secretbox.nonceLength)),
    nonce,
    new Uint8Array(key.modelKey),
  );
  if (!opened)
    throw new WireFormatError(
      'BAD_SEAL',
      "sealed model does not open with this epoch's model key (tampered or wrong key)",
    );
  return decodeFloat32(opened, numParams);
}
