import { FederationsService } from '../federations/federations.service';
import { ParticipantsService } from '../participants/participants.service';
import { roundEngineProviders } from '../testing/round-providers';
import {
  addMembers,
  RecordingTaskHub,
  serviceTestModule,
  testPlan,
  type ServiceTestModule,
} from '../testing/service-test-module';
import { sha256, signEndorsement, signEpochManifest, type EpochManifest } from '@syndicate/protocol';
import { MemberDirectoryService } from '../participants/member-directory.service';
import { testMemberKeys } from '../testing/service-test-module';
import { KeyCeremony } from './key-ceremony.service';
import { KeyCustodyService } from './key-custody.service';
import { CEREMONY_TIMEOUT_MS } from './key-epoch-state-machine';

describe('KeyCeremony and KeyCustodyService (in-memory SQLite, fake clock)', () => {
  let t: ServiceTestModule;
  let hub: RecordingTaskHub;
  let keys: KeyCustodyService;
  let ceremony: KeyCeremony;
  let federationId: string;

  beforeEach(async () => {
    hub = new RecordingTaskHub();
    t = await serviceTestModule({ providers: roundEngineProviders(hub) });
    keys = t.get(KeyCustodyService);
    ceremony = t.get(KeyCeremony);
    federationId = (await t.get(FederationsService).create(testPlan({ mode: 'secure' }), 'spec')).id;
    await addMembers(t.db, federationId, ['bank-a', 'bank-b'], t.clock.now());
  });
  afterEach(() => t.close());

  const member = (id: string) => t.get(ParticipantsService).get(id);
  const shares = (ids: string[]) =>
    ids.map((participantId) => ({ participantId, nonce: Buffer.alloc(24, 1), sealedKey: Buffer.alloc(48, 2) }));
  const card = async (id: string) => MemberDirectoryService.card(await member(id));
  /** What an honest dealer's agent submits: shares for `to`, and a manifest naming them signed by `signer`. */
  const submission = async (
    dealer: string,
    epoch: number,
    to: string[],
    o: { signer?: string; excluded?: string[]; manifestMembers?: string[]; forgeSignature?: boolean } = {},
  ) => {
    const e = await keys.epoch(federationId, epoch);
    const wrappedKey = Buffer.alloc(40, 3);
    const manifest: EpochManifest = {
      federationId,
      keyEpoch: epoch,
      parameterSet: e.parameterSet,
      members: await Promise.all((o.manifestMembers ?? to).sort().map(card)),
      wrappedKeySha256: sha256(wrappedKey),
      dealerParticipantId: dealer,
    };
    const signature = Buffer.from(
      signEpochManifest(manifest, testMemberKeys(federationId, o.signer ?? dealer).signSecretKey),
    );
    if (o.forgeSignature) signature[0] ^= 1;
    const named = KeyCustodyService.members(e);
    return {
      keyEpoch: epoch,
      parameterSet: e.parameterSet,
      shares: shares(to),
      wrappedKey,
      manifest,
      manifestSignature: signature,
      excludedParticipantIds: o.excluded ?? named.filter((id) => !(o.manifestMembers ?? to).includes(id)),
    };
  };
  const deal = async (dealer: string, epoch: number, to: string[], o: Parameters<typeof submission>[3] = {}) =>
    keys.submitShares(await member(dealer), await submission(dealer, epoch, to, o));

  it('starts no ceremony while no member is connected to deal', async () => {
    expect(await ceremony.ensureEpoch(federationId)).toBeNull();
    expect(await keys.list(federationId)).toEqual([]);
  });

  it('asks the first connected member to deal for every active member, once', async () => {
    hub.online.add('bank-b').add('bank-a');
    expect(await ceremony.ensureEpoch(federationId)).toBeNull();
    expect(await ceremony.ensureEpoch(federationId)).toBeNull();
    const [epoch] = await keys.list(federationId);
    expect(epoch).toMatchObject({ epoch: 1, state: 'dealing', dealerId: 'bank-a' });
    expect(hub.typesFor('bank-a')).toEqual(['TASK_TYPE_KEY_CEREMONY']);
    expect(hub.pushed[0].task.members?.map((m) => m.participantId)).toEqual(['bank-a', 'bank-b']);
  });

  it('takes shares only from the dealer and only for exactly the members, then hands each its own', async () => {
    hub.online.add('bank-a');
    await ceremony.ensureEpoch(federationId);
    await expect(deal('bank-b', 1, ['bank-a', 'bank-b'])).rejects.toMatchObject({ reason: 'NOT_THE_DEALER' });
    await expect(deal('bank-a', 1, ['bank-a'], { manifestMembers: ['bank-a', 'bank-b'] })).rejects.toMatchObject({
      reason: 'KEY_SHARES_INCOMPLETE',
    });
    expect(await deal('bank-a', 1, ['bank-a', 'bank-b'])).toBe(1);
    expect((await ceremony.ensureEpoch(federationId))?.state).toBe('ready');
    expect((await t.get(FederationsService).entity(federationId)).keyEpoch).toBe(1);
    const share = await keys.fetchShare(await member('bank-b'), 1);
    expect(share.sealedKey).toEqual(Buffer.alloc(48, 2));
  });

  it('starts a new epoch when membership changes; the newcomer holds no share of the old one', async () => {
    hub.online.add('bank-a');
    await ceremony.ensureEpoch(federationId);
    await deal('bank-a', 1, ['bank-a', 'bank-b']);
    await addMembers(t.db, federationId, ['bank-c'], t.clock.now());
    await expect(keys.fetchShare(await member('bank-c'), 1)).rejects.toMatchObject({ reason: 'NOT_A_KEY_MEMBER' });
    expect(await ceremony.ensureEpoch(federationId)).toBeNull();
    expect((await keys.list(federationId)).map((e) => [e.epoch, e.state])).toEqual([
      [1, 'ready'],
      [2, 'dealing'],
    ]);
  });

  it('waits for a live dealer, restarts a ceremony that timed out, and replaces a dealer that went away', async () => {
    hub.online.add('bank-a').add('bank-b');
    await ceremony.ensureEpoch(federationId);
    t.clock.advance(CEREMONY_TIMEOUT_MS - 1);
    await ceremony.ensureEpoch(federationId);
    expect((await keys.list(federationId)).map((e) => e.epoch)).toEqual([1]);
    t.clock.advance(1);
    await ceremony.ensureEpoch(federationId);
    expect((await keys.epoch(federationId, 1)).state).toBe('abandoned');
    expect(await keys.epoch(federationId, 2)).toMatchObject({ state: 'dealing', dealerId: 'bank-a' });
    hub.online.delete('bank-a');
    await ceremony.ensureEpoch(federationId);
    expect((await keys.epoch(federationId, 2)).state).toBe('abandoned');
    expect(await keys.epoch(federationId, 3)).toMatchObject({ state: 'dealing', dealerId: 'bank-b' });
  });

  it("keeps only a manifest signed with the dealer's enrolled key over the keys the members enrolled", async () => {
    hub.online.add('bank-a');
    await ceremony.ensureEpoch(federationId);
    const ab = ['bank-a', 'bank-b'];
    await expect(deal('bank-a', 1, ab, { forgeSignature: true })).rejects.toMatchObject({
      reason: 'MANIFEST_BAD_SIGNATURE',
    });
    await expect(deal('bank-a', 1, ab, { signer: 'bank-b' })).rejects.toMatchObject({
      reason: 'MANIFEST_BAD_SIGNATURE',
    });
    const a = await member('bank-a');
    const noManifest = { ...(await submission('bank-a', 1, ab)), manifest: null };
    await expect(keys.submitShares(a, noManifest)).rejects.toMatchObject({ reason: 'MANIFEST_MISSING' });
    // A box key the member never enrolled (say, the coordinator's own) cannot enter the manifest.
    const swapped = await submission('bank-a', 1, ab);
    swapped.manifest.members[1] = { ...swapped.manifest.members[1], boxPublicKey: new Uint8Array(32).fill(7) };
    swapped.manifestSignature = Buffer.from(
      signEpochManifest(swapped.manifest, testMemberKeys(federationId, 'bank-a').signSecretKey),
    );
    await expect(keys.submitShares(a, swapped)).rejects.toMatchObject({ reason: 'MANIFEST_BAD_BOX_KEY' });
    await expect(deal('bank-a', 1, ab, { excluded: ['bank-b'] })).rejects.toMatchObject({
      reason: 'KEY_SHARES_INCOMPLETE',
    });
    expect(await deal('bank-a', 1, ab)).toBe(1);
    const share = await keys.fetchShare(await member('bank-b'), 1);
    expect(share.manifest?.dealerParticipantId).toBe('bank-a');
    expect(share.manifest?.members?.map((m) => m.participantId)).toEqual(ab);
    expect(share.manifestSignature?.length).toBe(64);
  });

  it("makes the epoch the manifest's members; an excluded member causes no new ceremony until it is endorsed", async () => {
    await addMembers(t.db, federationId, ['bank-c', 'bank-d'], t.clock.now());
    hub.online.add('bank-a');
    await ceremony.ensureEpoch(federationId);
    await deal('bank-a', 1, ['bank-a', 'bank-b', 'bank-c']);
    const e1 = await keys.epoch(federationId, 1);
    expect(KeyCustodyService.members(e1)).toEqual(['bank-a', 'bank-b', 'bank-c']);
    expect(KeyCustodyService.excluded(e1)).toEqual(['bank-d']);
    await expect(keys.fetchShare(await member('bank-d'), 1)).rejects.toMatchObject({ reason: 'NOT_A_KEY_MEMBER' });
    t.clock.advance(1000);
    expect((await ceremony.ensureEpoch(federationId))?.epoch).toBe(1);
    expect((await ceremony.ensureEpoch(federationId))?.epoch).toBe(1);
    // bank-a endorses bank-d: bank-d may now be trusted, so the next round asks for a new epoch.
    t.clock.advance(1000);
    const d = testMemberKeys(federationId, 'bank-d');
    const ak = testMemberKeys(federationId, 'bank-a');
    await t
      .get(MemberDirectoryService)
      .endorse(
        await member('bank-a'),
        signEndorsement({ federationId, subjectSignPublicKey: d.signPublicKey, subjectDisplayName: 'bank-d' }, ak),
      );
    expect(await ceremony.ensureEpoch(federationId)).toBeNull();
    expect(await keys.epoch(federationId, 2)).toMatchObject({ state: 'dealing' });
  });
});
