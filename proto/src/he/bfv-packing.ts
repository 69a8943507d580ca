/**
 * Packs small non-negative integer fields into BFV batching slots:
 * `fieldsPerSlot` fields of `fieldBits` bits per slot, one plaintext vector of
 * `slotCount` slots per ciphertext. Field j of ciphertext c sits in slot
 * (j mod slotCount), at bit offset floor(j / slotCount) * fieldBits. Adding
 * packed vectors adds every field, provided no field sum reaches 2^fieldBits.
 */
export interface PackingLayout {
  slotCount: number;
  fieldBits: number;
  fieldsPerSlot: number;
}

export const valuesPerCiphertext = (l: PackingLayout): number => l.slotCount * l.fieldsPerSlot;
export const ciphertextCount = (l: PackingLayout, numValues: number): number =>
  Math.max(1, Math.ceil(numValues / valuesPerCiphertext(l)));

/** One Uint32Array of slot values per ciphertext. Fields must be < 2^fieldBits. */
export function pack(fields: ArrayLike<number>, l: PackingLayout): Uint32Array[] {
  const perCt = valuesPerCiphertext(l);
  const limit = 2 ** l.fieldBits;
  const out: Uint32Array[] = [];
  for (let c = 0; c < ciphertextCount(l, fields.length); c++) {
    const slots = new Uint32Array(l.slotCount);
    const base = c * perCt;
    for (let f = 0; f < l.fieldsPerSlot; f++) {
      const shift = 2 ** (f * l.fieldBits);
      for (let s = 0; s < l.slotCount; s++) {
        const j = base + f * l.slotCount + s;
        if (j >= fields.length) break;
        const v = fields[j];
        if (!(v >= 0 && v < limit)) throw new RangeError(`field ${j} = ${v} does not fit in ${l.fieldBits} bits`);
        slots[s] += v * shift;
      }
    }
    out.push(slots);
  }
  return out;
}

/** Inverse of pack for `numValues` fields. */
export function unpack(ciphertextSlots: ArrayLike<number>[], numValues: number, l: PackingLayout): Float64Array {
  const perCt = valuesPerCiphertext(l);
  const out = new Float64Array(numValues);
  const base = 2 ** l.fieldBits;
  ciphertextSlots.forEach((slots, c) => {
    for (let s = 0; s < l.slotCount; s++) {
      let v = slots[s];
      for (let f = 0; f < l.fieldsPerSlot; f++) {
        const j = c * perCt + f * l.slotCount + s;
        const field = v % base;
        v = Math.floor(v / base);
        if (j < numValues) out[j] = field;
      }
    }
  });
  return out;
}
