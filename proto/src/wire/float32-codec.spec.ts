import fc from 'fast-check';
import { decodeFloat32, encodeFloat32 } from './float32-codec';
import { WireFormatError } from './errors';

describe('float32 codec', () => {
  it('round-trips any finite vector bit for bit', () => {
    fc.assert(
      fc.property(fc.float32Array({ noNaN: true, noDefaultInfinity: true }), (v) => {
        expect(decodeFloat32(encodeFloat32(v), v.length)).toEqual(v);
      }),
    );
  });

  it('decodes from an unaligned slice of a larger buffer', () => {
    const bytes = Buffer.concat([Buffer.from([9]), encodeFloat32(Float32Array.of(1.5, -2))]).subarray(1);
    expect(Array.from(decodeFloat32(bytes))).toEqual([1.5, -2]);
  });

  it('names the mismatch when the shape differs from the model', () => {
    expect(() => decodeFloat32(encodeFloat32(new Float32Array(3)), 4)).toThrow(
      'update has 3 parameters, the model has 4',
    );
  });

  it('refuses NaN and Infinity, naming the parameter', () => {
    const err = (() => {
      try {
        decodeFloat32(encodeFloat32(Float32Array.of(0, NaN)));
      } catch (e) {
        return e as WireFormatError;
      }
    })();
    expect(err?.code).toBe('NOT_FINITE');
    expect(err?.message).toContain('parameter 1');
    expect(() => decodeFloat32(encodeFloat32(Float32Array.of(Infinity)))).toThrow(WireFormatError);
  });

  it('refuses a byte length that is not a multiple of 4', () => {
    expect(() => decodeFloat32(Buffer.alloc(7))).toThrow(/not a multiple of 4/);
  });
});
