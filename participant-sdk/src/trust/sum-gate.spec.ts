import nacl from 'tweetnacl';
import { identityFingerprint, selfSignedCard, sha256, signContribution, type MemberCard } from '@syndicate/protocol';
import { MemberTrust } from './member-trust';
import { trustPolicySchema } from './trust-policy';
import { admitSum, type SumContext } from './sum-gate';

const FED = 'fed-1';
const mk = (id: string) => {
  const sign = nacl.sign.keyPair();
  const box = nacl.box.keyPair();
  const card = selfSignedCard(id, id, {
    signPublicKey: sign.publicKey,
    signSecretKey: sign.secretKey,
    boxPublicKey: box.publicKey,
  });
  return { sign, card };
};
const banks = ['a', 'b', 'c', 'late'].map(mk);
const [a, b, c] = banks;
const ctx: SumContext = {
  federationId: FED,
  roundId: 'r1',
  kind: 'model',
  keyEpoch: 1,
  participantId: 'a',
  contributed: true,
};
const sign = (x: ReturnType<typeof mk>, roundId = 'r1') =>
  signContribution(
    {
      federationId: FED,
      roundId,
      kind: 'model',
      keyEpoch: 1,
      participantId: x.card.participantId,
      ciphertextSha256: sha256(Buffer.from(x.card.participantId)),
      digest: new Uint8Array(8),
    },
    x.sign.secretKey,
  );

function trust(directory: MemberCard[]) {
  const policy = trustPolicySchema.parse({
    pinned: [b, c, banks[3]].map((x) => ({
      name: x.card.displayName,
      fingerprint: identityFingerprint(x.sign.publicKey),
    })),
  });
  const source = { listMembers: async () => ({ members: directory, endorsements: [] }) };
  return new MemberTrust(
    FED,
    { participantId: 'a', displayName: 'a', signPublicKey: a.sign.publicKey },
    () => policy,
    source,
  );
}

describe('admitSum', () => {
  it('positive control: three trusted contributors of this round, this member among them', async () => {
    const t = trust(banks.map((x) => x.card));
    await t.refresh();
    await expect(
      admitSum(
        [a, b, c].map((x) => sign(x)),
        ctx,
        t,
        3,
      ),
    ).resolves.toEqual(['a', 'b', 'c']);
  });

  it('refuses one or two contributors whatever minimum the bank configured', async () => {
    const t = trust(banks.map((x) => x.card));
    await t.refresh();
    await expect(admitSum([sign(a)], ctx, t, 1)).rejects.toMatchObject({ reason: 'SUM_TOO_FEW_CONTRIBUTORS' });
    await expect(admitSum([sign(a), sign(b)], ctx, t, 2)).rejects.toMatchObject({ reason: 'SUM_TOO_FEW_CONTRIBUTORS' });
  });

  it('refuses an old round replayed, and looks up a member it has not seen yet once', async () => {
    const directory = [a, b, c].map((x) => x.card);
    const t = trust(directory);
    await t.refresh();
    await expect(admitSum([sign(a, 'r0'), sign(b, 'r0'), sign(c, 'r0')], ctx, t, 3)).rejects.toMatchObject({
      reason: 'SUM_WRONG_ROUND',
    });
    directory.push(banks[3].card);
    await expect(
      admitSum(
        [a, b, banks[3]].map((x) => sign(x)),
        ctx,
        t,
        3,
      ),
    ).resolves.toEqual(['a', 'b', 'late']);
  });
});
