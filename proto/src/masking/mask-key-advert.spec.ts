import nacl from 'tweetnacl';
import { maskKeyAdvertValid, selfSeedCommitment, signMaskKeyAdvert } from './mask-key-advert';
import type { MaskSession } from './mask-session';
import { newMaskKeyPair } from './pair-seeds';

const session: MaskSession = { federationId: 'fed-1', roundId: 'round-1', keyEpoch: 1, kind: 'model' };

describe('mask key advert', () => {
  const signer = nacl.sign.keyPair();
  const seed = nacl.randomBytes(32);
  const advert = signMaskKeyAdvert(
    {
      session,
      participantId: 'bank-a',
      maskPublicKey: newMaskKeyPair().publicKey,
      selfSeedCommitment: selfSeedCommitment(session, 'bank-a', seed),
    },
    signer.secretKey,
  );

  it("verifies under the member's signing key only", () => {
    expect(maskKeyAdvertValid(advert, signer.publicKey)).toBe(true);
    expect(maskKeyAdvertValid(advert, nacl.sign.keyPair().publicKey)).toBe(false);
  });

  it.each([
    ['mask key', { maskPublicKey: newMaskKeyPair().publicKey }],
    ['participant', { participantId: 'bank-b' }],
    ['session', { session: { ...session, roundId: 'round-2' } }],
    ['commitment', { selfSeedCommitment: new Uint8Array(32) }],
  ])('fails when the %s is swapped', (_what, change) => {
    expect(maskKeyAdvertValid({ ...advert, ...change }, signer.publicKey)).toBe(false);
  });

  it('commits to the seed for one member and session', () => {
    const c = Buffer.from(selfSeedCommitment(session, 'bank-a', seed));
    expect(c.equals(Buffer.from(selfSeedCommitment(session, 'bank-b', seed)))).toBe(false);
    expect(c.equals(Buffer.from(selfSeedCommitment({ ...session, kind: 'count' }, 'bank-a', seed)))).toBe(false);
  });
});
