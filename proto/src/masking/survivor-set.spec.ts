import nacl from 'tweetnacl';
import { committedSetDigest } from './mask-key-advert';
import type { MaskSession } from './mask-session';
import { signSurvivorSet, verifySurvivorSet, type SignedSurvivorSet } from './survivor-set';

const session: MaskSession = { federationId: 'fed-1', roundId: 'round-1', keyEpoch: 1, kind: 'model' };
const ids = ['bank-a', 'bank-b', 'bank-c', 'bank-d'];
const sign = new Map(ids.map((id) => [id, nacl.sign.keyPair()]));
const keys = ids.map((participantId, i) => ({ participantId, maskPublicKey: new Uint8Array(32).fill(i + 1) }));
const digest = committedSetDigest(session, keys);
const expectation = {
  session,
  committedDigest: digest,
  selfId: 'bank-a',
  contributed: true,
  threshold: 3,
  committed: new Set(ids),
  signKeyOf: (id: string) => sign.get(id)?.publicKey,
};
const signedBy = (survivors: string[], signers = survivors, s = session, d = digest): SignedSurvivorSet => ({
  session: s,
  survivors,
  committedDigest: d,
  signatures: signers.map((id) => ({
    participantId: id,
    signature: signSurvivorSet(s, survivors, d, sign.get(id)!.secretKey),
  })),
});
const code = (v: ReturnType<typeof verifySurvivorSet>) => (v.ok ? 'ok' : v.code);

describe('survivor set', () => {
  it('passes a set every survivor signed', () => {
    expect(verifySurvivorSet(signedBy(['bank-a', 'bank-b', 'bank-c']), expectation)).toEqual({ ok: true });
  });

  it('passes a set the threshold of survivors signed (one survivor dropped after uploading)', () => {
    const set = signedBy(['bank-a', 'bank-b', 'bank-c', 'bank-d'], ['bank-a', 'bank-b', 'bank-d']);
    expect(verifySurvivorSet(set, expectation)).toEqual({ ok: true });
    // A member that did not contribute (it only decrypts) checks the same set without being in it.
    const other = signedBy(['bank-b', 'bank-c', 'bank-d']);
    expect(verifySurvivorSet(other, { ...expectation, contributed: false })).toEqual({ ok: true });
  });

  it('catches a coordinator that showed one survivor another set', () => {
    const set = signedBy(['bank-a', 'bank-b', 'bank-c'], ['bank-a', 'bank-b']);
    // bank-c signed the set it was shown (without bank-b): its signature does not cover this one.
    set.signatures.push({
      participantId: 'bank-c',
      signature: signSurvivorSet(session, ['bank-a', 'bank-c'], digest, sign.get('bank-c')!.secretKey),
    });
    const v = verifySurvivorSet(set, expectation);
    expect(v).toEqual({
      ok: false,
      code: 'SURVIVOR_SET_MISMATCH',
      message: expect.stringMatching(/shown for bank-c is not its signature/),
    });
  });

  it.each([
    ['too few signatures', signedBy(['bank-a', 'bank-b', 'bank-c'], ['bank-a', 'bank-b']), /2 survivors signed/],
    ['a set without this member', signedBy(['bank-b', 'bank-c', 'bank-d']), /leaves out this member/],
    ['an unsorted set', signedBy(['bank-b', 'bank-a', 'bank-c']), /not sorted/],
    ['a repeated member', signedBy(['bank-a', 'bank-a', 'bank-b']), /not sorted and free of repeats/],
    [
      'a stranger',
      { ...signedBy(['bank-a', 'bank-b']), survivors: ['bank-a', 'bank-b', 'bank-x'] },
      /bank-x took no part/,
    ],
    ['another session', signedBy(['bank-a', 'bank-b'], undefined, { ...session, kind: 'count' }), /count sum/],
  ])('refuses %s', (_what, set, message) => {
    const v = verifySurvivorSet(set, expectation);
    expect(code(v)).toBe('SURVIVOR_SET_MISMATCH');
    expect(v.ok ? '' : v.message).toMatch(message);
  });

  it('catches survivors that masked with another list of peer keys than this member', () => {
    const swapped = committedSetDigest(session, [
      ...keys.slice(1),
      { participantId: 'bank-a', maskPublicKey: new Uint8Array(32) },
    ]);
    const v = verifySurvivorSet(signedBy(['bank-a', 'bank-b', 'bank-c'], undefined, session, swapped), expectation);
    expect(v).toEqual({
      ok: false,
      code: 'SURVIVOR_SET_MISMATCH',
      message: expect.stringMatching(/another list of peer keys/),
    });
    // Set and signatures agree with each other but not with what this member masked with: the digest
    // is in what is signed, so a set relabelled with this member's digest fails on the signatures.
    const relabelled = {
      ...signedBy(['bank-a', 'bank-b', 'bank-c'], undefined, session, swapped),
      committedDigest: digest,
    };
    expect(code(verifySurvivorSet(relabelled, expectation))).toBe('SURVIVOR_SET_MISMATCH');
  });

  it('a signature for one session does not pass for another', () => {
    const set = signedBy(['bank-a', 'bank-b', 'bank-c']);
    const moved = { ...set, session: { ...session, keyEpoch: 2 } };
    expect(code(verifySurvivorSet(moved, { ...expectation, session: moved.session }))).toBe('SURVIVOR_SET_MISMATCH');
  });
});
