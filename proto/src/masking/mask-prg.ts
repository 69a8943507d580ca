import { createCipheriv, hkdfSync } from 'crypto';
import { statementBytes } from '../trust/signed-statement';
import { sessionFields, type MaskSession } from './mask-session';

/** What a mask is for: a member's own self-mask, or the mask it shares with one peer. */
export type MaskPurpose = 'self' | 'pair';

const PRG_DOMAIN = 'syndicate.v1.mask-prg';
/**
 * Values per independent stretch of the stream. Rejection sampling makes a value's place in one
 * long keystream depend on every value before it; stretches of a fixed count, each at its own
 * counter block, let any stretch be expanded alone (a member spot-checking a removal the
 * coordinator applied, or worker threads sharing a long vector) with the same result.
 */
export const MASK_STRETCH = 65_536;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A plaintext modulus the masks can live in: an integer in 2..2^32 (BFV's t is a 31-bit prime). */
export function checkModulus(modulus: number): number {
  if (!Number.isSafeInteger(modulus) || modulus < 2 || modulus > 2 ** 32) {
    throw new RangeError(`mask modulus ${modulus} must be a whole number in 2..2^32 (the BFV plain modulus t)`);
  }
  return modulus;
}

/**
 * The AES-256 key of one mask stream. HKDF binds the seed to the session, the purpose and the
 * modulus, so one seed never yields the same stream for two sums, two kinds or two key epochs.
 */
function streamKey(seed: Uint8Array, session: MaskSession, purpose: MaskPurpose, modulus: number): Buffer {
  if (seed.length !== 32) throw new RangeError(`a mask seed is 32 bytes, got ${seed.length}`);
  const info = statementBytes(PRG_DOMAIN, [...sessionFields(session), purpose, modulus]);
  return Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), info, 32));
}

/** The keystream as 32-bit little-endian words (copied only when the buffer is unaligned or the host big-endian). */
function words(bytes: Buffer): Uint32Array {
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0)
    return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readUInt32LE(i * 4);
  return out;
}

/** One stretch: its keystream starts at counter block stretch * 2^64, far past any stretch before it. */
function fillStretch(key: Buffer, stretch: number, out: Uint32Array, cut: number, modulus: number): void {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(stretch, 4);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const acceptance = modulus / (cut + 1);
  let filled = 0;
  while (filled < out.length) {
    // Enough words for what is left at the expected acceptance rate, plus slack; rarely a second pass.
    const want = Math.ceil((out.length - filled) / acceptance) + 64;
    const w = words(cipher.update(Buffer.alloc(want * 4)));
    for (let i = 0; i < w.length && filled < out.length; i++) {
      const v = (w[i] & cut) >>> 0;
      if (v < modulus) out[filled++] = v;
    }
  }
  cipher.final();
}

/**
 * Expands a 32-byte seed into `count` values uniform modulo `modulus`: AES-256-CTR keystream words
 * cut to the modulus's bit length, values at or above it rejected (so no value is more likely than
 * another), in stretches of MASK_STRETCH values. Deterministic: the same seed, session, purpose and
 * modulus give the same values anywhere, and a longer expansion starts with a shorter one.
 */
export function expandMask(
  seed: Uint8Array,
  session: MaskSession,
  purpose: MaskPurpose,
  count: number,
  modulus: number,
  out: Uint32Array = new Uint32Array(count),
): Uint32Array {
  checkModulus(modulus);
  if (out.length < count) throw new RangeError(`output holds ${out.length} values, ${count} asked for`);
  const bits = Math.ceil(Math.log2(modulus));
  const cut = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  const key = streamKey(seed, session, purpose, modulus);
  for (let start = 0; start < count; start += MASK_STRETCH) {
    fillStretch(key, start / MASK_STRETCH, out.subarray(start, Math.min(count, start + MASK_STRETCH)), cut, modulus);
  }
  return out;
}

/** Values [stretch * MASK_STRETCH, + length) of expandMask's output, expanded alone. */
export function expandMaskStretch(
  seed: Uint8Array,
  session: MaskSession,
  purpose: MaskPurpose,
  stretch: number,
  modulus: number,
  length = MASK_STRETCH,
): Uint32Array {
  checkModulus(modulus);
  if (!Number.isSafeInteger(stretch) || stretch < 0 || stretch >= 2 ** 32 || length > MASK_STRETCH) {
    throw new RangeError(`stretch ${stretch} of ${length} values is outside the stream`);
  }
  const bits = Math.ceil(Math.log2(modulus));
  const out = new Uint32Array(length);
  fillStretch(
    streamKey(seed, session, purpose, modulus),
    stretch,
    out,
    bits >= 32 ? 0xffffffff : 2 ** bits - 1,
    modulus,
  );
  return out;
}
