import nacl from 'tweetnacl';
import {
  dealKeyShares,
  generateFederationKey,
  identityFingerprint,
  signBoxKey,
  type FederationKey,
  type MemberCard,
} from '@syndicate/protocol';
import { MemberTrust } from '../trust/member-trust';
import { trustPolicySchema } from '../trust/trust-policy';
import type { AgentIdentity } from './identity-store';
import { openTrustedShare, signDealtManifest, type SharePackage } from './trusted-key-share';

const FED = 'fed-1';
const PSET = 'bfv-n4096-t31-2x15-v1';

function bank(id: string): { identity: AgentIdentity; card: MemberCard } {
  const s = nacl.sign.keyPair();
  const b = nacl.box.keyPair();
  const identity = {
    coordinator: '127.0.0.1:1',
    federationId: FED,
    participantId: id,
    keyEpoch: 0,
    planJson: '{}',
    signingPublicKey: s.publicKey,
    signingSecretKey: s.secretKey,
    boxPublicKey: b.publicKey,
    boxSecretKey: b.secretKey,
  } as AgentIdentity;
  const card = {
    participantId: id,
    displayName: id,
    signPublicKey: s.publicKey,
    boxPublicKey: b.publicKey,
    boxKeySignature: signBoxKey({ signPublicKey: s.publicKey, boxPublicKey: b.publicKey }, s.secretKey),
  };
  return { identity, card };
}

const [alpine, baltic, cascade] = ['alpine', 'baltic', 'cascade'].map(bank);
const coordinator = bank('coordinator');

function trustOf(me: ReturnType<typeof bank>, directory: MemberCard[]) {
  const policy = trustPolicySchema.parse({
    pinned: [alpine, baltic, cascade].map((x) => ({
      name: x.card.displayName,
      fingerprint: identityFingerprint(x.card.signPublicKey),
    })),
  });
  const self = {
    participantId: me.card.participantId,
    displayName: me.card.displayName,
    signPublicKey: me.card.signPublicKey,
  };
  return new MemberTrust(FED, self, () => policy, {
    listMembers: async () => ({ members: directory, endorsements: [] }),
  });
}

function deal(
  dealer: ReturnType<typeof bank>,
  key: FederationKey,
  members: MemberCard[],
  recipient: string,
): SharePackage {
  const { shares, wrappedKey } = dealKeyShares(key, members, dealer.identity.boxSecretKey);
  const { manifest, signature } = signDealtManifest({
    identity: dealer.identity,
    keyEpoch: 1,
    parameterSet: PSET,
    members,
    wrappedKey,
  });
  const s = shares.find((x) => x.participantId === recipient)!;
  return {
    keyEpoch: 1,
    parameterSet: PSET,
    nonce: s.nonce,
    sealedKey: s.sealedKey,
    wrappedKey,
    manifest,
    manifestSignature: signature,
  };
}

describe('opening a key share only under a trusted, signed manifest', () => {
  let key: FederationKey;
  beforeAll(async () => (key = await generateFederationKey(PSET, 1)));
  const members = [alpine, baltic, cascade].map((x) => x.card);

  it('positive control: a share dealt by a trusted member to trusted members opens to the dealt key', async () => {
    const pkg = deal(alpine, key, members, 'baltic');
    const opened = await openTrustedShare(pkg, baltic.identity, trustOf(baltic, members));
    expect(Buffer.from(opened.sealSecretKey)).toEqual(Buffer.from(key.sealSecretKey));
  });

  it('refuses a key the coordinator dealt itself, although the share would open', async () => {
    const withIntruder = [...members, coordinator.card];
    const pkg = deal(coordinator, key, withIntruder, 'baltic');
    await expect(openTrustedShare(pkg, baltic.identity, trustOf(baltic, withIntruder))).rejects.toMatchObject({
      reason: 'MANIFEST_UNTRUSTED_DEALER',
    });
  });

  it('refuses an epoch whose member list carries a key this bank does not trust', async () => {
    const withIntruder = [...members, coordinator.card];
    const pkg = deal(alpine, key, withIntruder, 'baltic');
    await expect(openTrustedShare(pkg, baltic.identity, trustOf(baltic, withIntruder))).rejects.toMatchObject({
      reason: 'MANIFEST_UNTRUSTED_MEMBER',
    });
  });

  it('refuses a share without a manifest, and a manifest whose signature was forged', async () => {
    const pkg = deal(alpine, key, members, 'baltic');
    await expect(
      openTrustedShare({ ...pkg, manifest: null }, baltic.identity, trustOf(baltic, members)),
    ).rejects.toMatchObject({
      reason: 'MANIFEST_MISSING',
    });
    const forged = { ...pkg, manifestSignature: new Uint8Array(64) };
    await expect(openTrustedShare(forged, baltic.identity, trustOf(baltic, members))).rejects.toMatchObject({
      reason: 'MANIFEST_BAD_SIGNATURE',
    });
  });

  it('refuses a key epoch for fewer than 3 members, even from a trusted dealer', async () => {
    const two = [alpine, baltic].map((x) => x.card);
    const pkg = deal(alpine, key, two, 'baltic');
    await expect(openTrustedShare(pkg, baltic.identity, trustOf(baltic, two))).rejects.toMatchObject({
      reason: 'KEY_EPOCH_TOO_FEW_TRUSTED',
    });
  });
});
