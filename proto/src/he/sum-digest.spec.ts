import { EncryptedSum } from './ciphertext-sum';
import { generateFederationKey } from './federation-key';
import { HeKeyHolder } from './he-codec';
import { DEFAULT_HE_PARAMETER_SET } from './parameter-sets';
import { addDigests, payloadDigest, sumDigestKey } from './sum-digest';

describe('sum digest', () => {
  let holder: HeKeyHolder;
  let key: Buffer;
  const values = 9000; // two ciphertexts
  const at = { federationId: 'f', roundId: 'r1', kind: 'model', keyEpoch: 1 };
  const vector = (seed: number) => Uint32Array.from({ length: values }, (_, i) => (i * 31 + seed * 977) % 2000);

  beforeAll(async () => {
    const fk = await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 1);
    holder = await HeKeyHolder.open(fk);
    key = sumDigestKey(fk.epochSecret, at);
  });
  afterAll(() => holder.dispose());

  const sumOf = (...parts: Buffer[]) => {
    const s = new EncryptedSum(holder.rt, { keyEpoch: 1, valueCount: values });
    parts.forEach((p) => s.add(p));
    const out = s.serialize();
    s.dispose();
    return out;
  };

  it("a true sum's digest is the sum of its parts' digests; any other combination's is not", () => {
    const [a, b, c] = [1, 2, 3].map((i) => holder.encrypt(vector(i)));
    const [da, db, dc] = [a, b, c].map((p) => payloadDigest(holder.rt, p, key));
    const claimed = addDigests(holder.rt, [da, db, dc]);
    expect(payloadDigest(holder.rt, sumOf(a, b, c), key)).toEqual(claimed);
    // Positive control above; the substitutions a lying coordinator could hand over:
    expect(payloadDigest(holder.rt, sumOf(b), key)).not.toEqual(claimed);
    expect(payloadDigest(holder.rt, sumOf(b, b), key)).not.toEqual(claimed);
    expect(payloadDigest(holder.rt, sumOf(a, b), key)).not.toEqual(claimed);
    const fresh = holder.encrypt(vector(3)); // same values as c, fresh encryption
    expect(payloadDigest(holder.rt, sumOf(a, b, fresh), key)).not.toEqual(claimed);
  });

  it('depends on the round: a digest key for another round gives another digest', () => {
    const a = holder.encrypt(vector(1));
    const other = sumDigestKey(Buffer.alloc(32, 1), at);
    const nextRound = sumDigestKey(Buffer.alloc(32, 1), { ...at, roundId: 'r2' });
    expect(payloadDigest(holder.rt, a, other)).not.toEqual(payloadDigest(holder.rt, a, nextRound));
    expect(payloadDigest(holder.rt, a, key)).toHaveLength(8);
  });

  it('refuses a digest of the wrong size', () => {
    expect(() => addDigests(holder.rt, [Buffer.alloc(7)])).toThrow(/digest is 7 bytes/);
  });
});
