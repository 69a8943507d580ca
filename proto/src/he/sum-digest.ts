import { createCipheriv, hkdfSync } from 'crypto';
import { WireFormatError } from '../wire/errors';
import { ciphertextSlices, loadCiphertext } from './he-codec';
import { readHeHeader } from './he-payload';
import type { HeRuntime } from './seal-runtime';

/**
 * A linear digest of BFV ciphertexts, so a member can check that a "sum" is the sum of the
 * contributions the coordinator lists without ever seeing any single contribution.
 *
 * d(c) = sum_k r_k * c_k mod q_j for each RNS prime q_j, over every coefficient of every
 * polynomial of every ciphertext in the payload, with r drawn from a key derived from the epoch
 * secret (members only). Homomorphic addition is coefficient-wise mod q_j, so the digest of a
 * true sum equals the sum of its parts' digests. The coordinator does not know r: any other
 * ciphertext it hands over (one member's, B + A - A, 2B, last round's) matches only by chance,
 * at most about 1/q_j (2^-59 with the default 60-bit prime). Unlike downloading and re-adding
 * the contributions, nothing here lets a member (who holds the key) decrypt anyone's part.
 */
export const SUM_DIGEST_BYTES_PER_PRIME = 8;

/** The round's member-only digest key for one kind of contribution. */
export function sumDigestKey(
  epochSecret: Uint8Array,
  at: { federationId: string; roundId: string; kind: string; keyEpoch: number },
): Buffer {
  const info = JSON.stringify(['syndicate/v1/sum-digest', at.federationId, at.roundId, at.kind, at.keyEpoch]);
  return Buffer.from(hkdfSync('sha256', epochSecret, Buffer.alloc(0), info, 32));
}

/** The digest of an encrypted payload (an upload or a sum), L primes x 8 bytes, big-endian. */
export function payloadDigest(rt: HeRuntime, payload: Uint8Array, key: Uint8Array): Buffer {
  const header = readHeHeader(payload);
  const n = rt.params.polyModulusDegree;
  const moduli = rt.coeffModuli;
  const acc = moduli.map(() => 0n);
  // One keystream across the payload: ciphertext i uses the next block of r values.
  const stream = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  let index = 0;
  for (const bytes of ciphertextSlices(payload, header)) {
    const ct = loadCiphertext(rt, bytes, index++);
    // Canonical form: a seeded upload is expanded, a compressed one inflated, exactly as the sum sees it.
    let raw: Uint8Array;
    let polys: number;
    try {
      polys = ct.size;
      raw = ct.saveArray(rt.seal.ComprModeType.none);
    } finally {
      ct.delete();
    }
    const values = polys * moduli.length * n;
    const data = new BigUint64Array(raw.slice(raw.length - values * 8).buffer);
    const rb = stream.update(Buffer.alloc(values * 8));
    const r = new BigUint64Array(rb.buffer.slice(rb.byteOffset, rb.byteOffset + rb.length));
    for (let p = 0; p < polys; p++) {
      for (let j = 0; j < moduli.length; j++) {
        const at = (p * moduli.length + j) * n;
        let s = 0n;
        for (let k = at; k < at + n; k++) s += r[k] * data[k];
        acc[j] = (acc[j] + s) % moduli[j];
      }
    }
  }
  return encode(acc);
}

/** The digest a true sum of parts with these digests has. */
export function addDigests(rt: HeRuntime, digests: readonly Uint8Array[]): Buffer {
  const acc = rt.coeffModuli.map(() => 0n);
  for (const d of digests) {
    const parts = decode(rt, d);
    rt.coeffModuli.forEach((q, j) => (acc[j] = (acc[j] + parts[j]) % q));
  }
  return encode(acc);
}

function decode(rt: HeRuntime, d: Uint8Array): bigint[] {
  if (d.length !== rt.coeffModuli.length * SUM_DIGEST_BYTES_PER_PRIME)
    throw new WireFormatError(
      'BAD_LENGTH',
      `a contribution digest is ${d.length} bytes; ${rt.params.name} digests are ${rt.coeffModuli.length * SUM_DIGEST_BYTES_PER_PRIME}`,
    );
  const b = Buffer.from(d);
  return rt.coeffModuli.map((q, j) => b.readBigUInt64BE(j * SUM_DIGEST_BYTES_PER_PRIME) % q);
}

function encode(values: readonly bigint[]): Buffer {
  const out = Buffer.alloc(values.length * SUM_DIGEST_BYTES_PER_PRIME);
  values.forEach((v, j) => out.writeBigUInt64BE(v, j * SUM_DIGEST_BYTES_PER_PRIME));
  return out;
}
