import { WireFormatError } from './errors';

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Little-endian float64 bytes (exact integer sums, accumulators), whatever the host's byte order. */
export function encodeFloat64(values: Float64Array): Buffer {
  if (LITTLE_ENDIAN_HOST)
    return Buffer.from(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const out = Buffer.allocUnsafe(values.length * 8);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i], i * 8);
  return out;
}

/** Decodes a float64 vector into its own aligned buffer: the source may sit at any offset (a DB driver's or network Buffer). */
export function decodeFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.byteLength % 8 !== 0)
    throw new WireFormatError('BAD_LENGTH', `float64 payload is ${bytes.byteLength} bytes, not a multiple of 8`);
  const out = new Float64Array(bytes.byteLength / 8);
  if (LITTLE_ENDIAN_HOST) new Uint8Array(out.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  }
  return out;
}
