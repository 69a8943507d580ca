import nacl from 'tweetnacl';
import { identityFingerprint, signEndorsement } from '@syndicate/protocol';
import { evaluateTrust, trustPolicySchema, type KnownMember } from './trust-policy';

const FED = 'fed-1';
const mk = (id: string) => {
  const keys = nacl.sign.keyPair();
  const m: KnownMember = { participantId: id, displayName: id, signPublicKey: keys.publicKey };
  return { m, keys };
};
const [me, alpine, baltic, cascade, newcomer] = ['me', 'alpine', 'baltic', 'cascade', 'newcomer'].map(mk);
const endorse = (by: ReturnType<typeof mk>, subject: ReturnType<typeof mk>) =>
  signEndorsement(
    { federationId: FED, subjectSignPublicKey: subject.m.signPublicKey, subjectDisplayName: subject.m.displayName },
    { signPublicKey: by.keys.publicKey, signSecretKey: by.keys.secretKey },
  );
const pin = (...xs: ReturnType<typeof mk>[]) =>
  trustPolicySchema.parse({
    pinned: xs.map((x) => ({ name: x.m.displayName, fingerprint: identityFingerprint(x.m.signPublicKey) })),
  });
const all = [me, alpine, baltic, cascade, newcomer].map((x) => x.m);

describe('trust policy', () => {
  it('trusts itself and pinned members, and nobody merely because the coordinator lists them', () => {
    const t = evaluateTrust(pin(alpine, baltic), me.m, all, [], FED);
    expect(t.get('me')).toMatchObject({ trusted: true, why: 'self' });
    expect(t.get('alpine')).toMatchObject({ trusted: true, why: 'pinned' });
    expect(t.get('cascade')).toMatchObject({ trusted: false });
    expect(t.get('newcomer')!.trusted).toBe(false);
  });

  it('trusts a newcomer once k trusted members endorse it, not before', () => {
    const policy = pin(alpine, baltic);
    expect(evaluateTrust(policy, me.m, all, [endorse(alpine, newcomer)], FED).get('newcomer')!.trusted).toBe(false);
    const t = evaluateTrust(policy, me.m, all, [endorse(alpine, newcomer), endorse(baltic, newcomer)], FED);
    expect(t.get('newcomer')).toMatchObject({ trusted: true, why: 'endorsed', detail: 'endorsed by alpine, baltic' });
  });

  it('ignores endorsements from untrusted members, forged ones, other federations, and repeats by one endorser', () => {
    const policy = pin(alpine, baltic);
    const byUntrusted = [endorse(cascade, newcomer), endorse(alpine, newcomer)];
    expect(evaluateTrust(policy, me.m, all, byUntrusted, FED).get('newcomer')!.trusted).toBe(false);
    const forged = { ...endorse(cascade, newcomer), endorserSignPublicKey: baltic.m.signPublicKey };
    expect(evaluateTrust(policy, me.m, all, [forged, endorse(alpine, newcomer)], FED).get('newcomer')!.trusted).toBe(
      false,
    );
    const twice = [endorse(alpine, newcomer), endorse(alpine, newcomer)];
    expect(evaluateTrust(policy, me.m, all, twice, FED).get('newcomer')!.trusted).toBe(false);
    const elsewhere = [endorse(alpine, newcomer), endorse(baltic, newcomer)];
    expect(evaluateTrust(policy, me.m, all, elsewhere, 'fed-2').get('newcomer')!.trusted).toBe(false);
  });

  it('lets trust spread from endorsed members to the next ones', () => {
    const chain = [
      endorse(alpine, cascade),
      endorse(baltic, cascade),
      endorse(cascade, newcomer),
      endorse(alpine, newcomer),
    ];
    const t = evaluateTrust(pin(alpine, baltic), me.m, all, chain, FED);
    expect(t.get('cascade')!.trusted).toBe(true);
    expect(t.get('newcomer')).toMatchObject({ trusted: true, detail: 'endorsed by alpine, cascade' });
  });

  it('says why a member is not trusted, with its fingerprint', () => {
    const t = evaluateTrust(pin(alpine), me.m, all, [], FED).get('cascade')!;
    expect(t.trusted).toBe(false);
    expect(!t.trusted && t.why).toContain(identityFingerprint(cascade.m.signPublicKey));
  });

  it('refuses a malformed pin with the field named', () => {
    const r = trustPolicySchema.safeParse({ pinned: [{ name: 'x', fingerprint: '123' }] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(!r.success && r.error.issues)).toContain('must be 40 digits');
  });

  it('never lets a bank decrypt sums of fewer than 3 contributors, whatever its file says', () => {
    expect(trustPolicySchema.parse({}).minContributors).toBe(3);
    expect(trustPolicySchema.parse({ minContributors: 5 }).minContributors).toBe(5);
    const r = trustPolicySchema.safeParse({ minContributors: 2 });
    expect(r.success).toBe(false);
    expect(JSON.stringify(!r.success && r.error.issues)).toContain('minContributors is at least 3');
  });
});
