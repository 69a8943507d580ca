import type { KeyRing } from '../crypto/key-ring';
import { contributionCodec, roundMode } from './contribution-codec';

/** A key ring whose "encryption" is recognisable, and which records the epochs asked for. */
function fakeKeys() {
  const epochs: number[] = [];
  const keys = {
    get: (epoch: number) => {
      epochs.push(epoch);
      return Promise.resolve({ holder: { encrypt: (f: Uint32Array) => Buffer.from(`sealed:${f.join(',')}`) } });
    },
  } as unknown as Pick<KeyRing, 'get'>;
  return { keys, epochs };
}

describe('roundMode', () => {
  it('is secure exactly when the task names an HE parameter set', () => {
    expect(roundMode({ parameterSet: 'bfv-n4096-t31-2x15-v1' })).toBe('secure');
    expect(roundMode({ parameterSet: '' })).toBe('plaintext');
  });
});

describe('contributionCodec', () => {
  it("encrypts fields under the task's key epoch in a secure round", async () => {
    const { keys, epochs } = fakeKeys();
    const codec = contributionCodec({ parameterSet: 'bfv-n4096-t31-2x15-v1', keyEpoch: 4 }, keys);
    expect(codec.mode).toBe('secure');
    expect(codec.fieldEncoding).toBe('PAYLOAD_ENCODING_BFV_PACKED');
    expect((await codec.sealFields(new Uint32Array([1, 2]))).toString()).toBe('sealed:1,2');
    expect(epochs).toEqual([4]);
  });

  it('sends little-endian uint32 fields in a plaintext round, touching no key', async () => {
    const { keys, epochs } = fakeKeys();
    const codec = contributionCodec({ parameterSet: '', keyEpoch: 0 }, keys);
    expect(codec.mode).toBe('plaintext');
    expect(codec.fieldEncoding).toBe('PAYLOAD_ENCODING_UINT32_LE');
    const fields = new Uint32Array([1, 0x01020304]).subarray(1);
    expect([...(await codec.sealFields(fields))]).toEqual([4, 3, 2, 1]);
    expect(epochs).toEqual([]);
  });
});
