import { decodeFloat64, encodeFloat64 } from './float64-codec';

describe('float64 codec', () => {
  it('round-trips, including from a Buffer at an odd offset (as drivers and sockets hand them over)', () => {
    const values = Float64Array.of(0, 1.5, -(2 ** 52), 2 ** 53 - 1, 1e-300);
    const bytes = encodeFloat64(values);
    expect(bytes).toHaveLength(40);
    const shifted = Buffer.concat([Buffer.from([7]), bytes]).subarray(1);
    expect(shifted.byteOffset % 8).not.toBe(0);
    expect(decodeFloat64(shifted)).toEqual(values);
  });

  it('refuses a length that is not a whole number of values', () => {
    expect(() => decodeFloat64(Buffer.alloc(12))).toThrow(/12 bytes, not a multiple of 8/);
  });
});
