import nacl from 'tweetnacl';
import type { MaskSession } from './mask-session';
import { droppedPairSeeds, maskPublicKeyOf, newMaskKeyPair, pairSeed, pairSign } from './pair-seeds';

const session: MaskSession = { federationId: 'fed-1', roundId: 'round-1', keyEpoch: 1, kind: 'count' };
const member = (participantId: string) => {
  const k = newMaskKeyPair();
  return { participantId, maskSecretKey: k.secretKey, maskPublicKey: k.publicKey };
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('pair seeds', () => {
  const [a, b, c] = ['bank-a', 'bank-b', 'bank-c'].map(member);

  it('both members of a pair derive the same seed, and it matches what tweetnacl agrees on', () => {
    const ab = pairSeed(session, a, b);
    expect(hex(pairSeed(session, b, a))).toBe(hex(ab));
    expect(ab).toHaveLength(32);
    // node's X25519 is nacl.scalarMult: the agreed secret is the same either way.
    expect(hex(nacl.scalarMult(a.maskSecretKey, b.maskPublicKey))).toBe(
      hex(nacl.scalarMult(b.maskSecretKey, a.maskPublicKey)),
    );
    expect(hex(maskPublicKeyOf(a.maskSecretKey))).toBe(hex(a.maskPublicKey));
    expect(hex(nacl.scalarMult.base(a.maskSecretKey))).toBe(hex(a.maskPublicKey));
    // Keys made by tweetnacl work too (the agent's box keys are).
    const n = nacl.box.keyPair();
    expect(hex(maskPublicKeyOf(n.secretKey))).toBe(hex(n.publicKey));
    expect(hex(pairSeed(session, { participantId: 'bank-n', maskSecretKey: n.secretKey }, a))).toBe(
      hex(pairSeed(session, a, { participantId: 'bank-n', maskPublicKey: n.publicKey })),
    );
  });

  it('differs per pair, per session and per id binding', () => {
    const ab = hex(pairSeed(session, a, b));
    expect(hex(pairSeed(session, a, c))).not.toBe(ab);
    expect(hex(pairSeed({ ...session, kind: 'model' }, a, b))).not.toBe(ab);
    expect(hex(pairSeed({ ...session, roundId: 'round-2' }, a, b))).not.toBe(ab);
    // The coordinator relabelling b's key as another member's changes the seed: ids are bound.
    expect(hex(pairSeed(session, a, { ...b, participantId: 'bank-z' }))).not.toBe(ab);
  });

  it('the smaller id adds and the larger subtracts', () => {
    expect(pairSign('bank-a', 'bank-b')).toBe(1);
    expect(pairSign('bank-b', 'bank-a')).toBe(-1);
    expect(() => pairSign('bank-a', 'bank-a')).toThrow(/with itself/);
  });

  it('refuses a low-order peer key (the shared secret would be all zeros)', () => {
    expect(() => pairSeed(session, a, { participantId: 'bank-x', maskPublicKey: new Uint8Array(32) })).toThrow(
      /low-order point|all-zero/,
    );
  });

  it("rebuilds, from a dropped member's key, exactly the seeds its neighbours used", () => {
    const d = member('bank-d');
    const rebuilt = droppedPairSeeds(session, [d], [a, b, c], (x, y) => !(x === 'bank-c' && y === 'bank-d'));
    expect(rebuilt.map((p) => [p.survivorId, p.droppedId, hex(p.seed)])).toEqual([
      ['bank-a', 'bank-d', hex(pairSeed(session, a, d))],
      ['bank-b', 'bank-d', hex(pairSeed(session, b, d))],
    ]);
  });
});
