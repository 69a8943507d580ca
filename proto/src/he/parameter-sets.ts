/**
 * Named, versioned BFV parameter sets. A name never changes meaning: a new
 * choice gets a new name, so a ciphertext always says what it was made under.
 */
export interface HeParameterSet {
  /** Stable small id carried in every payload header. */
  id: number;
  name: string;
  polyModulusDegree: number;
  coeffModulusBits: number[];
  plainModulusBits: number;
  /** Width of one packed field, headroom included. */
  fieldBits: number;
  fieldsPerSlot: number;
}

export const HE_PARAMETER_SETS: Readonly<Record<string, HeParameterSet>> = {
  // N = 4096, one 60-bit prime (109 bits allowed at 128-bit security), t a 31-bit
  // batching prime > 2^30: two 15-bit fields per slot, about 4.02 bytes per value.
  'bfv-n4096-t31-2x15-v1': {
    id: 1,
    name: 'bfv-n4096-t31-2x15-v1',
    polyModulusDegree: 4096,
    coeffModulusBits: [60],
    plainModulusBits: 31,
    fieldBits: 15,
    fieldsPerSlot: 2,
  },
};

export const DEFAULT_HE_PARAMETER_SET = 'bfv-n4096-t31-2x15-v1';

/** Largest coefficient modulus (bits) at 128-bit classical security, from the HE standard (as in SEAL). */
const MAX_COEFF_BITS_128: Record<number, number> = { 1024: 27, 2048: 54, 4096: 109, 8192: 218, 16384: 438, 32768: 881 };

export class HeParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeParameterError';
  }
}

/** Checks a set is internally consistent and within 128-bit security; throws naming the problem. */
export function validateParameterSet(p: HeParameterSet): HeParameterSet {
  const maxBits = MAX_COEFF_BITS_128[p.polyModulusDegree];
  if (maxBits === undefined)
    throw new HeParameterError(
      `${p.name}: poly modulus degree ${p.polyModulusDegree} is not a power of two in 1024..32768`,
    );
  const total = p.coeffModulusBits.reduce((a, b) => a + b, 0);
  if (total > maxBits)
    throw new HeParameterError(
      `${p.name}: coefficient modulus of ${total} bits exceeds ${maxBits} bits, the 128-bit security limit for N = ${p.polyModulusDegree}`,
    );
  if (p.fieldBits * p.fieldsPerSlot >= p.plainModulusBits) {
    throw new HeParameterError(
      `${p.name}: ${p.fieldsPerSlot} fields of ${p.fieldBits} bits do not fit below a ${p.plainModulusBits}-bit plain modulus`,
    );
  }
  if (p.plainModulusBits > 32)
    throw new HeParameterError(`${p.name}: plain modulus above 32 bits is not supported by the packing`);
  return p;
}

export function parameterSet(name: string): HeParameterSet {
  const p = HE_PARAMETER_SETS[name];
  if (!p)
    throw new HeParameterError(
      `unknown HE parameter set ${JSON.stringify(name)}; known: ${Object.keys(HE_PARAMETER_SETS).join(', ')}`,
    );
  return validateParameterSet(p);
}

export function parameterSetById(id: number): HeParameterSet | undefined {
  return Object.values(HE_PARAMETER_SETS).find((p) => p.id === id);
}

/**
 * Quantization bits left per value once ceil(log2(maxParticipants)) bits of headroom
 * are reserved, so the sum of every member's field can never carry into the next.
 */
export function valueBits(p: HeParameterSet, maxParticipants: number): number {
  const headroom = Math.ceil(Math.log2(Math.max(2, maxParticipants)));
  const bits = p.fieldBits - headroom;
  if (bits < 4)
    throw new HeParameterError(
      `${p.name}: ${maxParticipants} participants leave only ${bits} bits per value; lower rounds.maxParticipants`,
    );
  return bits;
}
