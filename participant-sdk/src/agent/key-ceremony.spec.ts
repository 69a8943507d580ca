import { ownCard } from '../trust/own-card';
import {
  checkEpochManifest,
  DEFAULT_HE_PARAMETER_SET,
  identityFingerprint,
  type EpochManifest,
  type MemberCard,
  type Task__Output,
} from '@syndicate/protocol';
import pino from 'pino';
import { newKeyMaterial, type AgentIdentity } from '../crypto/identity-store';
import { KeyRing } from '../crypto/key-ring';
import { MemberTrust } from '../trust/member-trust';
import type { CoordinatorClient } from './coordinator-client';
import { dealKeyEpoch } from './key-ceremony';

const FED = 'fed-1';
const member = (id: string) => ({ ...newKeyMaterial(), participantId: id, federationId: FED }) as AgentIdentity;
const card = (m: AgentIdentity): MemberCard => ownCard(m);
const wire = (c: MemberCard) => ({
  participantId: c.participantId,
  displayName: c.displayName,
  signingPublicKey: Buffer.from(c.signPublicKey),
  boxPublicKey: Buffer.from(c.boxPublicKey),
  boxKeySignature: Buffer.from(c.boxKeySignature),
});

const [a, b, c, intruder] = ['bank-a', 'bank-b', 'bank-c', 'bank-x'].map(member);

/** The coordinator as the dealer sees it: records what is submitted and reported. */
function coordinator(directory: AgentIdentity[]) {
  const submitted: {
    shares: { participantId: string }[];
    manifest: EpochManifest;
    signature: Uint8Array;
    excluded: string[];
  }[] = [];
  const reported: { reason: string; detail: string }[] = [];
  const client = {
    listMembers: async () => ({ members: directory.map(card), endorsements: [] }),
    submitKeyShares: async (
      _epoch: number,
      _pset: string,
      shares: { participantId: string }[],
      _wrapped: Uint8Array,
      signed: { manifest: EpochManifest; signature: Uint8Array; excludedParticipantIds: string[] },
    ) => {
      submitted.push({
        shares,
        manifest: signed.manifest,
        signature: signed.signature,
        excluded: signed.excludedParticipantIds,
      });
    },
    reportRefusal: async (reason: string, detail: string) => {
      reported.push({ reason, detail });
    },
  };
  return { client: client as unknown as CoordinatorClient, submitted, reported };
}

function deal(named: AgentIdentity[], pinned: AgentIdentity[]) {
  const co = coordinator(named);
  const policy = {
    pinned: pinned.map((m) => ({ name: m.participantId, fingerprint: identityFingerprint(m.signingPublicKey) })),
    endorsementsRequired: 2,
    minContributors: 3,
  };
  const trust = new MemberTrust(
    FED,
    { participantId: a.participantId, displayName: 'a', signPublicKey: a.signingPublicKey },
    () => policy,
    co.client,
  );
  const keys = new KeyRing(a, co.client, trust);
  const task = {
    keyEpoch: 1,
    parameterSet: DEFAULT_HE_PARAMETER_SET,
    modelVersionId: '',
    members: named.map(card).map(wire),
  } as unknown as Task__Output;
  const done = dealKeyEpoch({
    task,
    identity: a,
    client: co.client,
    keys,
    trust,
    numParams: 2,
    payloadFloats: 2,
    logger: pino({ level: 'silent' }),
  });
  return { ...co, done, keys };
}

describe('dealKeyEpoch (the dealer)', () => {
  it('seals only to members its bank trusts, reports each one left out, and signs the manifest naming the rest', async () => {
    const d = deal([a, b, c, intruder], [b, c]);
    await d.done;
    expect(d.submitted).toHaveLength(1);
    const [s] = d.submitted;
    expect(s.shares.map((x) => x.participantId).sort()).toEqual(['bank-a', 'bank-b', 'bank-c']);
    expect(s.excluded).toEqual(['bank-x']);
    expect(d.reported).toEqual([
      expect.objectContaining({ reason: 'MANIFEST_UNTRUSTED_MEMBER', detail: expect.stringContaining('bank-x') }),
    ]);
    // The manifest holds for a member that trusts the same banks.
    const verdict = checkEpochManifest(s.manifest, s.signature, {
      federationId: FED,
      keyEpoch: 1,
      parameterSet: DEFAULT_HE_PARAMETER_SET,
      self: { participantId: 'bank-b', signPublicKey: b.signingPublicKey, boxPublicKey: b.boxPublicKey },
      whyUntrusted: (m) => ([a, b, c].some((x) => x.participantId === m.participantId) ? null : 'not pinned'),
    });
    expect(verdict).toEqual({ ok: true });
    d.keys.dispose();
  });

  it('refuses to deal a key for fewer than 3 trusted members, and says so', async () => {
    const d = deal([a, b, c, intruder], [b]);
    await expect(d.done).rejects.toMatchObject({ reason: 'KEY_EPOCH_TOO_FEW_TRUSTED' });
    expect(d.submitted).toEqual([]);
    expect(d.reported.map((r) => r.reason)).toEqual([
      'MANIFEST_UNTRUSTED_MEMBER',
      'MANIFEST_UNTRUSTED_MEMBER',
      'KEY_EPOCH_TOO_FEW_TRUSTED',
    ]);
  });
});
