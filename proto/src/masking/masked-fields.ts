import { pack, unpack } from '../he/bfv-packing';
import { HeKeyHolder, layoutOf } from '../he/he-codec';
import { maskSlots, unmaskSum, type MaskingInputs, type MaskRemoval } from './mask-vector';

/** The slot vectors of a contribution as one vector (masks run over all of them at once). */
export function flattenSlots(parts: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One vector back into slot vectors of `size` slots each (views, not copies). */
export const splitSlots = (flat: Uint32Array, size: number): Uint32Array[] =>
  Array.from({ length: flat.length / size }, (_, i) => flat.subarray(i * size, (i + 1) * size));

/** Packs a member's fields as the codec does, masks the packed slots, then encrypts them: one masked contribution. */
export function encryptMasked(
  holder: HeKeyHolder,
  fields: ArrayLike<number>,
  masking: Omit<MaskingInputs, 'modulus'>,
): Buffer {
  const rt = holder.rt;
  const masked = maskSlots(flattenSlots(pack(fields, layoutOf(rt))), { ...masking, modulus: rt.plainModulus });
  return holder.encryptSlots(splitSlots(masked, rt.slotCount), fields.length);
}

/** Decrypts a masked sum and takes the survivors' masks off before unpacking: the fields the unmasked codec would give. */
export function decryptUnmasked(
  holder: HeKeyHolder,
  payload: Uint8Array,
  removal: Omit<MaskRemoval, 'modulus'>,
): Float64Array {
  const rt = holder.rt;
  const { slots, valueCount } = holder.decryptSlots(payload, 'sum');
  const clear = unmaskSum(flattenSlots(slots), { ...removal, modulus: rt.plainModulus });
  return unpack(splitSlots(clear, rt.slotCount), valueCount, layoutOf(rt));
}
