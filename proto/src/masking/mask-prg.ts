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
 * coordinator applied, or worker threads sharing a long vector) and keep each pass in cache.
 */
export const MASK_STRETCH = 65_536;
// Zeros the keystream is made from: a stretch at the lowest acceptance rate (1/2), plus slack.
const ZEROS = Buffer.alloc((2 * MASK_STRETCH + 64) * 4);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A plaintext modulus the masks can live in: an integer in 2..2^32 (BFV's t is a 31-bit prime). */
export function checkModulus(modulus: number): number {
  if (!Number.isSafeInteger(modulus) || modulus < 2 || modulus > 2 ** 32) {
    throw new RangeError(`mask modulus ${modulus} must be a whole number in 2..2^32 (the BFV plain modulus t)`);
  }
  return modulus;
}

/** The keystream as 32-bit little-endian words (copied only when the buffer is unaligned or the host big-endian). */
function words(bytes: Buffer): Uint32Array {
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0)
    return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readUInt32LE(i * 4);
  return out;
}

/** Fills one stretch of a mask stream; `out` holds at most MASK_STRETCH values. */
export type StretchFiller = (stretch: number, out: Uint32Array) => void;

/**
 * The mask stream of one seed for one purpose. HKDF binds the AES-256 key to the session, the
 * purpose and the modulus, so one seed never yields the same stream for two sums, two kinds or two
 * key epochs. Stretch s starts at counter block s * 2^64, far past any stretch before it.
 */
export function maskStream(
  seed: Uint8Array,
  session: MaskSession,
  purpose: MaskPurpose,
  modulus: number,
): StretchFiller {
  checkModulus(modulus);
  if (seed.length !== 32) throw new RangeError(`a mask seed is 32 bytes, got ${seed.length}`);
  const info = statementBytes(PRG_DOMAIN, [...sessionFields(session), purpose, modulus]);
  const key = Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), info, 32));
  const bits = Math.ceil(Math.log2(modulus));
  const cut = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  const acceptance = modulus / 2 ** bits;
  return (stretch, out) => {
    if (!Number.isSafeInteger(stretch) || stretch < 0 || stretch >= 2 ** 32 || out.length > MASK_STRETCH) {
      throw new RangeError(`stretch ${stretch} of ${out.length} values is outside the stream`);
    }
    const iv = Buffer.alloc(16);
    iv.writeUInt32BE(stretch, 4);
    const cipher = createCipheriv('aes-256-ctr', key, iv);
    let filled = 0;
    while (filled < out.length) {
      // Enough words for what is left at the expected acceptance rate, plus slack; rarely a second pass.
      const want = Math.min(Math.ceil((out.length - filled) / acceptance) + 64, ZEROS.length / 4);
      const w = words(cipher.update(ZEROS.subarray(0, want * 4)));
      for (let i = 0; i < w.length && filled < out.length; i++) {
        // Values at or above the modulus are rejected, so no value is more likely than another.
        const v = (w[i] & cut) >>> 0;
        if (v < modulus) out[filled++] = v;
      }
    }
    cipher.final();
  };
}

/**
 * Expands a 32-byte seed into `count` values uniform modulo `modulus`: AES-256-CTR keystream words
 * cut to the modulus's bit length, values at or above it rejected. Deterministic: the same seed,
 * session, purpose and modulus give the same values anywhere, and a longer expansion starts with a
 * shorter one.
 */
export function expandMask(
  seed: Uint8Array,
  session: MaskSession,
  purpose: MaskPurpose,
  count: number,
  modulus: number,
  out: Uint32Array = new Uint32Array(count),
): Uint32Array {
  if (out.length < count) throw new RangeError(`output holds ${out.length} values, ${count} asked for`);
  const fill = maskStream(seed, session, purpose, modulus);
  for (let start = 0; start < count; start += MASK_STRETCH) {
    fill(start / MASK_STRETCH, out.subarray(start, Math.min(count, start + MASK_STRETCH)));
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
  const out = new Uint32Array(length);
  maskStream(seed, session, purpose, modulus)(stretch, out);
  return out;
}
