import nacl from 'tweetnacl';
import {
  identityFingerprint,
  selfSignedCard,
  signEndorsement,
  type Endorsement,
  type MemberCard,
} from '@syndicate/protocol';
import { MemberTrust } from './member-trust';
import { trustPolicySchema } from './trust-policy';

const FED = 'fed-1';
const mk = (id: string) => {
  const sign = nacl.sign.keyPair();
  const box = nacl.box.keyPair();
  const card = selfSignedCard(id, id, {
    signPublicKey: sign.publicKey,
    signSecretKey: sign.secretKey,
    boxPublicKey: box.publicKey,
  });
  return { sign, box, card };
};
const me = mk('me');
const [a, b, c, newcomer] = ['a', 'b', 'c', 'newcomer'].map(mk);
const policy = trustPolicySchema.parse({
  pinned: [a, b, c].map((x) => ({ name: x.card.displayName, fingerprint: identityFingerprint(x.sign.publicKey) })),
});

function trustWith(members: MemberCard[], endorsements: Endorsement[] = []) {
  const source = { calls: 0, listMembers: async () => (source.calls++, { members, endorsements }) };
  const t = new MemberTrust(
    FED,
    { participantId: 'me', displayName: 'me', signPublicKey: me.sign.publicKey },
    () => policy,
    source,
  );
  return { t, source };
}

describe('MemberTrust', () => {
  it('trusts pinned members and itself, by signing key', async () => {
    const { t } = trustWith([me, a, b, c, newcomer].map((x) => x.card));
    await t.refresh();
    expect(t.whyUntrusted(a.card)).toBeNull();
    expect(t.whyUntrusted(me.card)).toBeNull();
    expect(t.whyUntrusted(newcomer.card)).toContain('not pinned');
    expect(t.trustedKey('a')).toEqual({ key: a.sign.publicKey });
    expect(t.trustedKey('newcomer')).toHaveProperty('why');
  });

  it('does not trust a card that borrows a trusted id with another key, or whose box key was swapped', async () => {
    const impostor = { ...mk('x').card, participantId: 'a', displayName: 'a' };
    const { t } = trustWith([me.card, impostor]);
    await t.refresh();
    expect(t.whyUntrusted(impostor)).not.toBeNull();
    expect(t.whyUntrusted({ ...a.card, boxPublicKey: newcomer.box.publicKey })).toContain('not signed');
  });

  it('trusts a newcomer once two trusted members endorse it', async () => {
    const endorse = (by: typeof a) =>
      signEndorsement(
        { federationId: FED, subjectSignPublicKey: newcomer.sign.publicKey, subjectDisplayName: 'newcomer' },
        { signPublicKey: by.sign.publicKey, signSecretKey: by.sign.secretKey },
      );
    const { t } = trustWith(
      [me, a, b, newcomer].map((x) => x.card),
      [endorse(a), endorse(b)],
    );
    await t.refresh();
    expect(t.whyUntrusted(newcomer.card)).toBeNull();
    expect(t.rows().find((r) => r.participantId === 'newcomer')).toMatchObject({
      trusted: true,
      why: 'endorsed by a, b',
    });
  });

  it('partitions a ceremony member list into trusted and refused, with reasons', async () => {
    const intruder = mk('coordinator');
    const { t } = trustWith([me, a, b, intruder].map((x) => x.card));
    const p = await t.partition([me, a, b, intruder].map((x) => x.card));
    expect(p.trusted.map((x) => x.participantId)).toEqual(['me', 'a', 'b']);
    expect(p.excluded.map((x) => x.card.participantId)).toEqual(['coordinator']);
  });

  it('reads the directory only when refreshed, and gives back the card listed under an id', async () => {
    const members = [me.card, a.card];
    const { t, source } = trustWith(members);
    await t.refresh();
    members.push(b.card);
    expect(t.cardOf('b')).toBeUndefined();
    expect(source.calls).toBe(1);
    await t.refresh();
    expect(t.cardOf('b')).toBe(b.card);
    expect(t.whyUntrusted(b.card)).toBeNull();
    expect(source.calls).toBe(2);
  });

  it("does not lend a pinned member's verdict to another key listed under the same id", async () => {
    const impostor = mk('x');
    const posing = { ...impostor.card, participantId: 'a', displayName: 'a' };
    // Either order: the coordinator decides which card comes first.
    for (const list of [
      [me.card, a.card, posing],
      [me.card, posing, a.card],
    ]) {
      const { t } = trustWith(list);
      await t.refresh();
      expect(t.whyUntrusted(a.card)).toBeNull();
      expect(t.whyUntrusted(posing)).toContain('not pinned');
      expect(t.trustedKey('a')).toHaveProperty('why');
    }
  });
});
