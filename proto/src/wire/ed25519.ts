import { createPublicKey, verify, type KeyObject } from 'crypto';

// Ed25519 through node's OpenSSL: the same keys and signatures as tweetnacl, about 50x faster
// to verify than its pure-JS arithmetic (the coordinator verifies every message it takes).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_CACHE_LIMIT = 4096;
/** Parsed public keys by hex: members sign many messages; bounded so a stream of new keys cannot grow it. */
const keys = new Map<string, KeyObject>();

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString('hex');
  let key = keys.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (keys.size >= KEY_CACHE_LIMIT) keys.delete(keys.keys().next().value!);
    keys.set(id, key);
  }
  return key;
}

/** True when `signature` (64 bytes) is `publicKey`'s (32 bytes) Ed25519 signature over `message`. */
export function ed25519Verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}
