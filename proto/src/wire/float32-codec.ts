import { WireFormatError } from './errors';

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Little-endian float32 bytes, whatever the host's byte order. */
export function encodeFloat32(values: Float32Array): Buffer {
  if (LITTLE_ENDIAN_HOST)
    return Buffer.from(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const out = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i], i * 4);
  return out;
}

/** Decodes and validates a float32 vector; a NaN or Infinity is refused with its index. */
export function decodeFloat32(bytes: Uint8Array, expectedCount?: number): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new WireFormatError('BAD_LENGTH', `float32 payload is ${bytes.byteLength} bytes, not a multiple of 4`);
  }
  const count = bytes.byteLength / 4;
  if (expectedCount !== undefined && count !== expectedCount) {
    throw new WireFormatError('SHAPE_MISMATCH', `update has ${count} parameters, the model has ${expectedCount}`);
  }
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN_HOST) {
    // Copy: the source may be unaligned (a slice of a network buffer).
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  }
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(out[i]))
      throw new WireFormatError('NOT_FINITE', `parameter ${i} is ${out[i]}; updates must be finite`);
  }
  return out;
}
