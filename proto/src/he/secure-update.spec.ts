import { seededRandom } from '../plan/initial-weights';
import { WireFormatError } from '../wire/errors';
import { EncryptedSum } from './ciphertext-sum';
import type { HeRuntime } from './seal-runtime';
import { generateFederationKey, openKeyShare, sealKeyShare, wrapSealKey } from './federation-key';
import { HeKeyHolder } from './he-codec';
import { DEFAULT_HE_PARAMETER_SET, HE_PARAMETER_SETS, validateParameterSet, valueBits } from './parameter-sets';
import { heRuntime } from './seal-runtime';
import { openSealedModel, sealModel } from './sealed-model';
import {
  applyDelta,
  decodeAggregate,
  decodeSampleCount,
  encodeSampleCount,
  encodeWeightedDelta,
  secureAggregationSpec,
  updateFieldCount,
} from './secure-update';
import nacl from 'tweetnacl';

const spec = secureAggregationSpec({ parameterSet: DEFAULT_HE_PARAMETER_SET, clip: 1, maxParticipants: 16 });

/** The coordinator's running sum over these payloads, serialised as members download it. */
function sumOf(rt: HeRuntime, expected: { keyEpoch: number; valueCount: number }, payloads: Uint8Array[]): Buffer {
  const sum = new EncryptedSum(rt, expected);
  for (const p of payloads) sum.add(p);
  const out = sum.serialize();
  sum.dispose();
  return out;
}

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return e instanceof WireFormatError ? e.code : `unexpected: ${String(e)}`;
  }
  return 'OK';
};

describe('parameter sets', () => {
  it('are valid at 128-bit security and leave headroom for max participants', async () => {
    for (const p of Object.values(HE_PARAMETER_SETS)) expect(validateParameterSet(p)).toBe(p);
    expect(valueBits(HE_PARAMETER_SETS[DEFAULT_HE_PARAMETER_SET], 100)).toBe(8);
    expect(() =>
      validateParameterSet({ ...HE_PARAMETER_SETS[DEFAULT_HE_PARAMETER_SET], coeffModulusBits: [60, 60] }),
    ).toThrow(/128-bit security/);
    const rt = await heRuntime(DEFAULT_HE_PARAMETER_SET);
    // 8192 values per seeded ciphertext: about 4.02 bytes per value on the wire.
    expect(rt.seededCiphertextBytes / (rt.slotCount * 2)).toBeLessThan(4.1);
  });
});

describe('secure aggregation end to end (codec level)', () => {
  jest.setTimeout(60_000);

  it('the decrypted sum of weighted updates is the weighted mean within the reported bound', async () => {
    const key = await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 3);
    const holder = await HeKeyHolder.open(key);
    const rt = holder.rt;
    const numParams = 10_000;
    const r = seededRandom(9);
    const counts = [5000, 1200, 300];
    const total = counts.reduce((a, b) => a + b, 0);
    const deltas = counts.map(() => Float32Array.from({ length: numParams }, () => (r() - 0.5) * 1.6));
    const expected = { keyEpoch: 3, valueCount: updateFieldCount(spec, numParams) };
    const sum = sumOf(
      rt,
      expected,
      counts.map((n, i) => holder.encrypt(encodeWeightedDelta(deltas[i], n / total, spec, r).fields)),
    );
    const agg = decodeAggregate(holder.decrypt(sum), numParams, counts.length, spec);
    expect(agg.totalWeight).toBeCloseTo(1, 6);
    let worst = 0;
    for (let j = 0; j < numParams; j++) {
      const exact = counts.reduce((s, n, i) => s + n * deltas[i][j], 0) / total;
      worst = Math.max(worst, Math.abs(agg.delta[j] - exact));
    }
    expect(worst).toBeLessThanOrEqual(agg.errorBound);
    expect(agg.errorBound).toBeLessThan(0.005);
    // A member that dropped out is simply absent: the weights renormalise.
    const partial = sumOf(rt, expected, [
      holder.encrypt(encodeWeightedDelta(deltas[1], counts[1] / total, spec, r).fields),
    ]);
    const alone = decodeAggregate(holder.decrypt(partial), numParams, 1, spec);
    expect(Math.abs(alone.delta[7] - deltas[1][7])).toBeLessThanOrEqual(alone.errorBound);
    holder.dispose();
  });

  it('secure sum of sample counts is exact', async () => {
    const holder = await HeKeyHolder.open(await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 1));
    const sum = sumOf(
      holder.rt,
      { keyEpoch: 1, valueCount: spec.countLimbs },
      [12000, 6000, 3, 2 ** 35].map((n) => holder.encrypt(encodeSampleCount(n, spec))),
    );
    expect(decodeSampleCount(holder.decrypt(sum), spec)).toBe(12000 + 6000 + 3 + 2 ** 35);
    holder.dispose();
  });

  it('refuses another epoch, a truncated payload and garbage ciphertexts, leaving the sum unchanged', async () => {
    const holder = await HeKeyHolder.open(await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 2));
    const rt = holder.rt;
    const fields = encodeSampleCount(77, spec);
    const good = holder.encrypt(fields);
    const expected = { keyEpoch: 2, valueCount: spec.countLimbs };
    const sum = new EncryptedSum(rt, expected);
    sum.add(good);
    const before = sum.serialize();
    expect(codeOf(() => new EncryptedSum(rt, { ...expected, keyEpoch: 3 }).add(good))).toBe('KEY_EPOCH_MISMATCH');
    expect(codeOf(() => sum.add(good.subarray(0, good.length - 10)))).toBe('BAD_LENGTH');
    const other = Buffer.from(good);
    other[5] = 99;
    expect(codeOf(() => sum.add(other))).toBe('PARAMETER_SET_MISMATCH');
    const garbage = Buffer.from(good);
    for (let i = 24 + 16; i < garbage.length; i++) garbage[i] = (i * 131) & 0xff;
    expect(codeOf(() => sum.add(garbage))).toBe('BAD_CIPHERTEXT');
    const badHeader = Buffer.from(good);
    badHeader.writeUInt16LE(0x1234, 24);
    expect(codeOf(() => sum.add(badHeader))).toBe('BAD_CIPHERTEXT');
    expect(sum.contributors).toBe(1);
    expect(sum.serialize().equals(before)).toBe(true);
    sum.add(good);
    expect(decodeSampleCount(holder.decrypt(sum.serialize()), spec)).toBe(154);
    sum.dispose();
    holder.dispose();
  });

  it('key shares open only for their member, epoch and parameter set', async () => {
    const key = await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 4);
    const dealer = nacl.box.keyPair();
    const member = nacl.box.keyPair();
    const share = sealKeyShare(key, member.publicKey, dealer.secretKey);
    // The per-member box holds 32 bytes; the 33 kB SEAL key travels once, wrapped.
    expect(share.box.length).toBeLessThan(80);
    const ctx = {
      parameterSet: DEFAULT_HE_PARAMETER_SET,
      keyEpoch: 4,
      dealerBoxPublicKey: dealer.publicKey,
      wrappedKey: wrapSealKey(key),
    };
    expect(openKeyShare(share, ctx, member.secretKey)).toEqual(key);
    const otherEpoch = await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 4);
    expect(() => openKeyShare(share, { ...ctx, wrappedKey: wrapSealKey(otherEpoch) }, member.secretKey)).toThrow(
      /wrapped SEAL key does not open/,
    );
    expect(() => openKeyShare(share, ctx, nacl.box.keyPair().secretKey)).toThrow(/does not open/);
    expect(() => openKeyShare(share, { ...ctx, keyEpoch: 5 }, member.secretKey)).toThrow(/epoch 4, expected 5/);
  });

  it('members apply the aggregate bit-identically, and sealed models open only with the epoch key', async () => {
    const key = await generateFederationKey(DEFAULT_HE_PARAMETER_SET, 1);
    const g = Float32Array.of(0.1, -0.2, 0.3);
    const d = Float64Array.of(0.01, 0.02, -0.03);
    expect(
      Buffer.from(applyDelta(g, d).buffer).equals(
        Buffer.from(applyDelta(Float32Array.from(g), Float64Array.from(d)).buffer),
      ),
    ).toBe(true);
    const sealed = sealModel(g, key);
    expect(openSealedModel(sealed, key, 3)).toEqual(g);
    expect(codeOf(() => openSealedModel(sealed, { ...key, modelKey: nacl.randomBytes(32) }))).toBe('BAD_SEAL');
    expect(codeOf(() => openSealedModel(sealed, { ...key, keyEpoch: 2 }))).toBe('KEY_EPOCH_MISMATCH');
  });
});
