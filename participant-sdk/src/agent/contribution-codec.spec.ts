import { contributionCodec, roundMode, type FieldSealer } from './contribution-codec';

/** A sealer whose "encryption" is recognisable, and which records the epochs and kinds asked for. */
function fakeKeys() {
  const epochs: number[] = [];
  const keys: FieldSealer = {
    seal: (task, kind, f) => {
      epochs.push(task.keyEpoch);
      return Promise.resolve(Buffer.from(`sealed:${kind}:${Array.from(f).join(',')}`));
    },
  };
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
    const codec = contributionCodec(
      { parameterSet: 'bfv-n4096-t31-2x15-v1', keyEpoch: 4, roundId: 'r1', deadlineUnixMs: '0' },
      keys,
      'count',
    );
    expect(codec.mode).toBe('secure');
    expect(codec.fieldEncoding).toBe('PAYLOAD_ENCODING_BFV_PACKED');
    expect((await codec.sealFields(new Uint32Array([1, 2]))).toString()).toBe('sealed:count:1,2');
    expect(epochs).toEqual([4]);
  });

  it('sends little-endian uint32 fields in a plaintext round, touching no key', async () => {
    const { keys, epochs } = fakeKeys();
    const codec = contributionCodec(
      { parameterSet: '', keyEpoch: 0, roundId: 'r1', deadlineUnixMs: '0' },
      keys,
      'count',
    );
    expect(codec.mode).toBe('plaintext');
    expect(codec.fieldEncoding).toBe('PAYLOAD_ENCODING_UINT32_LE');
    const fields = new Uint32Array([1, 0x01020304]).subarray(1);
    expect([...(await codec.sealFields(fields))]).toEqual([4, 3, 2, 1]);
    expect(epochs).toEqual([]);
  });
});
