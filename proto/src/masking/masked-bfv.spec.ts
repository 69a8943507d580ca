import { createHash } from 'crypto';
import { pack, unpack } from '../he/bfv-packing';
import { EncryptedSum } from '../he/ciphertext-sum';
import { generateFederationKey } from '../he/federation-key';
import { HeKeyHolder, layoutOf } from '../he/he-codec';
import { DEFAULT_HE_PARAMETER_SET } from '../he/parameter-sets';
import { seededRandom } from '../plan/initial-weights';
import type { MaskSession } from './mask-session';
import { flattenSlots, splitSlots } from './masked-fields';
import { maskSlots, unmaskSum } from './mask-vector';
import { droppedPairSeeds, maskPublicKeyOf, pairSeed } from './pair-seeds';

const fixedKeyPair = (id: string) => {
  const secretKey = new Uint8Array(createHash('sha256').update(`mask:${id}`).digest());
  return { secretKey, publicKey: maskPublicKeyOf(secretKey) };
};

const session: MaskSession = { federationId: 'fed-1', roundId: 'round-1', keyEpoch: 5, kind: 'model' };

/** Pearson's statistic over 16 equal ranges of [0, modulus). */
function chiSquare16(values: ArrayLike<number>, modulus: number): number {
  const counts = new Array<number>(16).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.floor((values[i] / modulus) * 16)]++;
  const e = values.length / 16;
  return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
}
const CRITICAL_15_DF = 37.7; // significance 0.001

describe('masks under BFV (real SEAL, the default parameter set)', () => {
  jest.setTimeout(60_000);

  it('survivors decrypt exactly the packed sum of their fields, and one contribution decrypts to uniform noise', async () => {
    const holder = await HeKeyHolder.open(await generateFederationKey(DEFAULT_HE_PARAMETER_SET, session.keyEpoch));
    const rt = holder.rt;
    const t = rt.plainModulus;
    const layout = layoutOf(rt);
    const ids = ['bank-a', 'bank-b', 'bank-c', 'bank-d', 'bank-e'];
    const members = ids.map((participantId) => ({
      participantId,
      // Fixed by the id, so the uniformity check is the same every run.
      selfSeed: new Uint8Array(createHash('sha256').update(`self:${participantId}`).digest()),
      ...fixedKeyPair(participantId),
    }));
    const key = (m: (typeof members)[number]) => ({ ...m, maskSecretKey: m.secretKey, maskPublicKey: m.publicKey });
    const r = seededRandom(11);
    const valueCount = rt.slotCount * 2 + 100; // two ciphertexts, the second partly filled
    const fields = members.map(() => Array.from({ length: valueCount }, () => Math.floor(r() * 2 ** 8)));
    const dropped = members[4]; // shared its keys, then dropped before uploading

    const uploads = members.slice(0, 4).map((m, i) => {
      const packed = pack(fields[i], layout);
      const flat = maskSlots(flattenSlots(packed), {
        session,
        modulus: t,
        selfId: m.participantId,
        selfSeed: m.selfSeed,
        pairs: members
          .filter((p) => p !== m)
          .map((p) => ({ peerId: p.participantId, seed: pairSeed(session, key(m), key(p)) })),
      });
      return holder.encryptSlots(splitSlots(flat, rt.slotCount), valueCount);
    });

    // A colluding member holding the epoch key decrypts one stored ciphertext: noise, unlike the unmasked one.
    const one = flattenSlots(holder.decryptSlots(uploads[0], 'update').slots);
    expect(chiSquare16(one, t)).toBeLessThan(CRITICAL_15_DF);
    expect(chiSquare16(flattenSlots(pack(fields[0], layout)), t)).toBeGreaterThan(CRITICAL_15_DF);

    const sum = new EncryptedSum(rt, { keyEpoch: session.keyEpoch, valueCount });
    for (const u of uploads) sum.add(u);
    const decrypted = holder.decryptSlots(sum.serialize(), 'sum');
    sum.dispose();
    const survivors = members.slice(0, 4);
    const unmasked = unmaskSum(flattenSlots(decrypted.slots), {
      session,
      modulus: t,
      survivorSelfSeeds: survivors.map((m) => m.selfSeed),
      droppedPairs: droppedPairSeeds(session, [key(dropped)], survivors.map(key)),
    });
    const expected = fields[0].map((_, j) => fields[0][j] + fields[1][j] + fields[2][j] + fields[3][j]);
    expect(Array.from(unpack(splitSlots(unmasked, rt.slotCount), valueCount, layout))).toEqual(expected);
    holder.dispose();
  });
});
