import {
  agentTrust,
  dealKeyEpoch,
  KeyRing,
  type AgentIdentity,
  type CoordinatorClient,
  type MemberTrust,
} from '@syndicate/participant';
import {
  dealKeyShares,
  generateFederationKey,
  identityFingerprint,
  manifestFromJson,
  manifestToJson,
  openKeyShare,
  sha256,
  signEndorsement,
  signEpochManifest,
  type EpochManifest,
  type FederationKey,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import pino from 'pino';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';
import { rawQuery } from '../support/raw-db';
import { TaskInbox } from '../support/task-inbox';
import { memberCard } from '../support/test-dealer';

const plan: TrainingPlanInput = {
  name: 'adversary-keys',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  rounds: { minParticipants: 3, maxParticipants: 8, deadlineSeconds: 300 },
  aggregation: { mode: 'secure', secure: { clip: 1 } },
};

/** A bank: the real agent library (trust, key ring, dealer) with its own pins, over real gRPC. */
interface Bank {
  name: string;
  identity: AgentIdentity;
  client: CoordinatorClient;
  inbox?: TaskInbox;
  pins: Map<string, string>;
  trust: MemberTrust;
}

async function bank(h: Harness, federationId: string, name: string, online = true): Promise<Bank> {
  const { identity, client } = await enrolledClient(h, federationId, name);
  const pins = new Map<string, string>();
  const policy = () => ({
    pinned: [...pins].map(([n, fingerprint]) => ({ name: n, fingerprint })),
    endorsementsRequired: 2,
    minContributors: 3,
  });
  const b = { name, identity, client, pins, trust: agentTrust(identity, client, policy) };
  return online ? { ...b, inbox: new TaskInbox(client) } : b;
}

/** The operators exchange fingerprints out of band: `who` pins each of `whom`. */
function pin(who: Bank[], whom: Bank[]): void {
  for (const w of who)
    for (const x of whom) if (x !== w) w.pins.set(x.name, identityFingerprint(x.identity.signingPublicKey));
}

const ringOf = (b: Bank) => new KeyRing(b.identity, b.client, b.trust);
const silent = pino({ level: 'silent' });

/** Whoever the coordinator asks deals, with its own trust, exactly as its agent's executor would. */
async function dealAsAsked(banks: Bank[], keyEpoch: number): Promise<{ dealer: Bank; key: FederationKey }> {
  const online = banks.filter((b) => b.inbox);
  const i = await Promise.any(online.map((b, j) => b.inbox!.next('TASK_TYPE_KEY_CEREMONY', 60_000).then(() => j)));
  const dealer = online[i];
  const task = await dealer.inbox!.next('TASK_TYPE_KEY_CEREMONY');
  expect(task.keyEpoch).toBe(keyEpoch);
  const ring = ringOf(dealer);
  await dealKeyEpoch({
    task,
    identity: dealer.identity,
    client: dealer.client,
    keys: ring,
    trust: dealer.trust,
    numParams: 2,
    payloadFloats: 2,
    logger: silent,
  });
  const { key } = await ring.get(keyEpoch);
  return { dealer, key };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const refusals = async (h: Harness, federationId: string) =>
  (await h.admin.audit({ federationId }))
    .filter((e) => e.action === 'agent.refused')
    .map((e) => ({ actor: e.actor, ...(JSON.parse(e.detail) as { reason: string; detail: string }) }));

describe(`a coordinator that lies about the key ceremony (${testDatabaseKind()})`, () => {
  let h: Harness;
  const closing: Bank[] = [];
  afterAll(async () => {
    for (const b of closing) {
      b.inbox?.close();
      b.client.close();
    }
    await h?.stop();
  });

  it('cannot slip its own box key in, deal its own key, or forge a manifest; the honest path opens the key', async () => {
    h = await startHarness('adversary-keys');
    const f = await h.admin.createFederation(plan);
    const banks = [await bank(h, f.id, 'alpine'), await bank(h, f.id, 'baltic'), await bank(h, f.id, 'cascade')];
    // The operator enrols itself as a "member": its box key is in the list the dealer is handed.
    const operator = await bank(h, f.id, 'operator', false);
    closing.push(...banks, operator);
    pin(banks, banks);
    await new Promise((r) => setTimeout(r, 300));
    await h.admin.openRound(f.id);
    const { dealer, key } = await dealAsAsked(banks, 1);
    const ids = banks.map((b) => b.identity.participantId).sort();
    const [epoch] = await rawQuery(
      h.databaseUrl,
      'SELECT * FROM "key_epochs" WHERE "federationId" = ? AND "epoch" = 1',
      [f.id],
    );

    // (a) The dealer left the operator out, said so in the audit log, and sealed nothing it can open.
    expect(JSON.parse(String(epoch.memberIds))).toEqual(ids);
    expect(JSON.parse(String(epoch.excludedJson))).toEqual([operator.identity.participantId]);
    expect(await refusals(h, f.id)).toContainEqual(
      expect.objectContaining({ actor: dealer.identity.participantId, reason: 'MANIFEST_UNTRUSTED_MEMBER' }),
    );
    await expect(operator.client.fetchKeyShare(1)).rejects.toMatchObject({ reason: 'NOT_A_KEY_MEMBER' });
    const shares = await rawQuery(h.databaseUrl, 'SELECT * FROM "key_shares" WHERE "federationId" = ?', [f.id]);
    expect(shares).toHaveLength(3);
    const opens = (secret: Uint8Array, s: Record<string, unknown>) => {
      try {
        openKeyShare(
          { nonce: s.nonce as Buffer, box: s.sealedKey as Buffer },
          {
            parameterSet: key.parameterSet,
            keyEpoch: 1,
            dealerBoxPublicKey: dealer.identity.boxPublicKey,
            wrappedKey: epoch.wrappedKey as Buffer,
          },
          secret,
        );
        return true;
      } catch {
        return false;
      }
    };
    expect(shares.filter((s) => opens(operator.identity.boxSecretKey, s))).toEqual([]);
    // Positive control: each member's own secret opens its own row, so a share sealed to the operator would show.
    for (const b of banks) {
      const own = shares.find((s) => s.participantId === b.identity.participantId)!;
      expect(opens(b.identity.boxSecretKey, own)).toBe(true);
    }
    const member = banks.find((b) => b !== dealer)!;
    const honest = await ringOf(member).get(1);
    expect(hex(honest.key.epochSecret)).toBe(hex(key.epochSecret));

    // (b) The operator deals its own key under its own manifest, signed by its own (unpinned) key.
    const saved = { manifest: String(epoch.manifestJson), signature: String(epoch.manifestSignature), shares };
    const fake = await generateFederationKey(key.parameterSet, 1);
    const cards = [...banks, operator].map((b) => memberCard(b.identity, b.name));
    const dealt = dealKeyShares(fake, cards, operator.identity.boxSecretKey);
    const forgedManifest: EpochManifest = {
      federationId: f.id,
      keyEpoch: 1,
      parameterSet: key.parameterSet,
      members: cards.sort((x, y) => (x.participantId < y.participantId ? -1 : 1)),
      wrappedKeySha256: sha256(dealt.wrappedKey),
      dealerParticipantId: operator.identity.participantId,
    };
    const rewrite = async (manifest: string, signature: string, wrappedKey: Buffer, rows: typeof shares) => {
      await rawQuery(
        h.databaseUrl,
        'UPDATE "key_epochs" SET "manifestJson" = ?, "manifestSignature" = ?, "wrappedKey" = ? WHERE "federationId" = ? AND "epoch" = 1',
        [manifest, signature, wrappedKey, f.id],
      );
      for (const s of rows)
        await rawQuery(
          h.databaseUrl,
          'UPDATE "key_shares" SET "nonce" = ?, "sealedKey" = ? WHERE "federationId" = ? AND "epoch" = 1 AND "participantId" = ?',
          [s.nonce, s.sealedKey, f.id, s.participantId],
        );
    };
    await rewrite(
      manifestToJson(forgedManifest),
      Buffer.from(signEpochManifest(forgedManifest, operator.identity.signingSecretKey)).toString('base64'),
      Buffer.from(dealt.wrappedKey),
      dealt.shares
        .filter((s) => s.participantId !== operator.identity.participantId)
        .map((s) => ({ ...s, nonce: Buffer.from(s.nonce), sealedKey: Buffer.from(s.sealedKey) })),
    );
    await expect(ringOf(member).get(1)).rejects.toMatchObject({ reason: 'MANIFEST_UNTRUSTED_DEALER' });
    expect(await refusals(h, f.id)).toContainEqual(
      expect.objectContaining({ actor: member.identity.participantId, reason: 'MANIFEST_UNTRUSTED_DEALER' }),
    );
    // Positive control: a bank that had pinned the operator would have taken the operator's key.
    const fooled = { ...member, pins: new Map(member.pins) };
    fooled.pins.set('operator', identityFingerprint(operator.identity.signingPublicKey));
    fooled.trust = agentTrust(member.identity, member.client, () => ({
      pinned: [...fooled.pins].map(([name, fingerprint]) => ({ name, fingerprint })),
      endorsementsRequired: 2,
      minContributors: 3,
    }));
    const taken = await ringOf(fooled).get(1);
    expect(hex(taken.key.epochSecret)).toBe(hex(fake.epochSecret));

    // (c) The honest manifest, edited to add the operator, keeps the dealer's signature: it no longer holds.
    const edited = manifestFromJson(saved.manifest);
    edited.members = [...edited.members, memberCard(operator.identity, 'operator')].sort((x, y) =>
      x.participantId < y.participantId ? -1 : 1,
    );
    await rewrite(manifestToJson(edited), saved.signature, epoch.wrappedKey as Buffer, saved.shares);
    await expect(ringOf(member).get(1)).rejects.toMatchObject({ reason: 'MANIFEST_BAD_SIGNATURE' });
    // Positive control: the dealer's own manifest, restored, opens the dealer's key.
    await rewrite(saved.manifest, saved.signature, epoch.wrappedKey as Buffer, saved.shares);
    expect(hex((await ringOf(member).get(1)).key.epochSecret)).toBe(hex(key.epochSecret));
  });

  it('keeps a bank nobody pins or endorses out of every key epoch until k trusted members endorse it', async () => {
    const f = await h.admin.createFederation({ ...plan, name: 'adversary-endorse' });
    const banks = [await bank(h, f.id, 'alpine'), await bank(h, f.id, 'baltic'), await bank(h, f.id, 'cascade')];
    const newcomer = await bank(h, f.id, 'delta');
    closing.push(...banks, newcomer);
    pin(banks, banks);
    pin([newcomer], banks);
    const all = [...banks, newcomer];
    await new Promise((r) => setTimeout(r, 300));
    const epochRow = async (n: number) =>
      (
        await rawQuery(h.databaseUrl, 'SELECT * FROM "key_epochs" WHERE "federationId" = ? AND "epoch" = ?', [f.id, n])
      )[0];
    // Rounds that never get counts fail at their count deadline; each asks for a key epoch first.
    const failRound = async () => {
      const r = await h.admin.openRound(f.id, { deadlineSeconds: 8 });
      for (;;) {
        const v = await h.admin.round(r.id);
        if (v.state === 'failed' || v.state === 'published') return v;
        await new Promise((res) => setTimeout(res, 200));
      }
    };
    const first = failRound();
    await dealAsAsked(all, 1);
    const r1 = await first;
    expect(r1.keyEpoch).toBe(1);
    expect(JSON.parse(String((await epochRow(1)).memberIds))).not.toContain(newcomer.identity.participantId);
    await expect(ringOf(newcomer).get(1)).rejects.toMatchObject({ reason: 'NOT_A_KEY_MEMBER' });

    // Still unendorsed: the next round reuses epoch 1, with no new ceremony.
    const r2 = await failRound();
    expect(r2.keyEpoch).toBe(1);
    expect(await epochRow(2)).toBeUndefined();

    // Two members this consortium trusts run `members endorse` for it; the next round deals an epoch including it.
    for (const e of banks.slice(0, 2)) {
      await e.client.submitEndorsement(
        signEndorsement(
          { federationId: f.id, subjectSignPublicKey: newcomer.identity.signingPublicKey, subjectDisplayName: 'delta' },
          { signPublicKey: e.identity.signingPublicKey, signSecretKey: e.identity.signingSecretKey },
        ),
      );
    }
    const third = failRound();
    const { key } = await dealAsAsked(all, 2);
    const r3 = await third;
    expect(r3.keyEpoch).toBe(2);
    expect(JSON.parse(String((await epochRow(2)).memberIds))).toContain(newcomer.identity.participantId);
    expect(hex((await ringOf(newcomer).get(2)).key.epochSecret)).toBe(hex(key.epochSecret));
  });
});
