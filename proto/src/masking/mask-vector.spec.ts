import fc from 'fast-check';
import type { MaskSession } from './mask-session';
import { maskingSettingsSchema, planMasking } from './masking-settings';
import { maskSlots, unmaskSum } from './mask-vector';
import { createHash } from 'crypto';
import { droppedPairSeeds, maskPublicKeyOf, pairSeed } from './pair-seeds';

const T = 2147377153;
const session: MaskSession = { federationId: 'fed-1', roundId: 'round-9', keyEpoch: 2, kind: 'model' };

interface Member {
  participantId: string;
  selfSeed: Uint8Array;
  maskSecretKey: Uint8Array;
  maskPublicKey: Uint8Array;
}
/** Keys and seeds fixed by the id, so the statistical checks below are the same every run (no 1-in-1000 flake). */
const newMember = (participantId: string): Member => {
  const secretKey = new Uint8Array(createHash('sha256').update(`mask:${participantId}`).digest());
  return {
    participantId,
    selfSeed: new Uint8Array(createHash('sha256').update(`self:${participantId}`).digest()),
    maskSecretKey: secretKey,
    maskPublicKey: maskPublicKeyOf(secretKey),
  };
};

const addMod = (a: Uint32Array, b: Uint32Array, t: number) => a.map((x, i) => (x + b[i]) % t);

/** What each member uploads: its slots masked with its self-mask and its neighbours' pair masks. */
function masked(m: Member, slots: Uint32Array, neighbours: readonly Member[], t: number, s = session): Uint32Array {
  const pairs = neighbours.map((p) => ({ peerId: p.participantId, seed: pairSeed(s, m, p) }));
  return maskSlots(slots, { session: s, modulus: t, selfId: m.participantId, selfSeed: m.selfSeed, pairs });
}

/** Pearson's statistic of `values` over 16 equal ranges of [0, modulus). */
function chiSquare16(values: ArrayLike<number>, modulus: number): number {
  const counts = new Array<number>(16).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.floor((values[i] / modulus) * 16)]++;
  const e = values.length / 16;
  return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
}
const CRITICAL_15_DF = 37.7; // significance 0.001

describe('masking packed slots', () => {
  it("survivors' masked sum minus the removals is the plain sum mod t, for any members, dropouts and vectors", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { minLength: 3, maxLength: 8 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(T, 97, 2 ** 31 - 1),
        fc.boolean(),
        fc.infiniteStream(fc.integer({ min: 0, max: 2 ** 32 - 1 })),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        (ids, length, t, sparse, randoms, dropMask) => {
          const members = ids.map(newMember);
          const byId = new Map(members.map((m) => [m.participantId, m]));
          const settings = maskingSettingsSchema.parse({
            graph: sparse && ids.length >= 6 ? { kind: 'sparse', degree: 4 } : { kind: 'complete' },
          });
          const plan = planMasking(settings, session, ids);
          const neighboursOf = (id: string) => plan.neighbours.get(id)!.map((n) => byId.get(n)!);
          // Keep at least one survivor; everyone else may drop after sharing keys, before uploading.
          const dropped = members.filter((m, i) => i > 0 && dropMask[i]);
          const survivors = members.filter((m) => !dropped.includes(m));
          const vectors = new Map(
            members.map((m) => [m.participantId, Uint32Array.from({ length }, () => randoms.next().value % t)]),
          );

          let sum = new Uint32Array(length);
          for (const v of survivors)
            sum = addMod(sum, masked(v, vectors.get(v.participantId)!, neighboursOf(v.participantId), t), t);
          const unmasked = unmaskSum(sum, {
            session,
            modulus: t,
            survivorSelfSeeds: survivors.map((v) => v.selfSeed),
            droppedPairs: droppedPairSeeds(session, dropped, survivors, (a, b) => plan.neighbours.get(a)!.includes(b)),
          });
          let plain = new Uint32Array(length);
          for (const v of survivors) plain = addMod(plain, vectors.get(v.participantId)!, t);
          expect(Array.from(unmasked)).toEqual(Array.from(plain));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a sum missing one survivor's contribution does not unmask to anything like the others' sum", () => {
    const members = ['a', 'b', 'c', 'd'].map(newMember);
    const zeros = new Uint32Array(4096);
    const others = members.slice(1);
    let sum = new Uint32Array(4096);
    for (const m of others)
      sum = addMod(
        sum,
        masked(
          m,
          zeros,
          members.filter((p) => p !== m),
          T,
        ),
        T,
      );
    const left = unmaskSum(sum, {
      session,
      modulus: T,
      survivorSelfSeeds: others.map((m) => m.selfSeed),
      droppedPairs: [],
    });
    // The plain sum is all zeros; what comes out is a's pair masks with the others: uniform noise.
    expect(chiSquare16(left, T)).toBeLessThan(CRITICAL_15_DF);
    expect(left.filter((v) => v === 0).length).toBe(0);
  });

  it('one masked contribution is uniform mod t even for a constant vector; the unmasked one is not (control)', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(newMember);
    const constant = new Uint32Array(50_000).fill(12345 + 2 ** 15 * 678);
    expect(chiSquare16(masked(a, constant, [b, c], T), T)).toBeLessThan(CRITICAL_15_DF);
    expect(chiSquare16(constant, T)).toBeGreaterThan(CRITICAL_15_DF);
  });

  it('masks differ per session, so two sums of one round never share a mask', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(newMember);
    const zeros = new Uint32Array(64);
    const model = masked(a, zeros, [b, c], T);
    const count = masked(a, zeros, [b, c], T, { ...session, kind: 'count' });
    expect(count.filter((v, i) => v === model[i]).length).toBe(0);
  });

  it('refuses slots at or above the modulus and a peer listed twice', () => {
    const [a, b] = ['a', 'b'].map(newMember);
    const base = { session, modulus: 97, selfId: 'a', selfSeed: a.selfSeed };
    expect(() => maskSlots(Uint32Array.of(97), { ...base, pairs: [] })).toThrow(/slot 0 = 97 is not below/);
    const pair = { peerId: 'b', seed: pairSeed(session, a, b) };
    expect(() => maskSlots(Uint32Array.of(1), { ...base, pairs: [pair, pair] })).toThrow(/appears twice/);
  });
});
