import { loadIdentity, newKeyMaterial, type AgentIdentity } from '@syndicate/participant';
import {
  dealKeyShares,
  generateFederationKey,
  manifestToJson,
  sha256,
  signEpochManifest,
  type EpochManifest,
} from '@syndicate/protocol';
import { runAgentProcess, type AgentProcess } from '../support/agent-process';
import { agentConsortium } from '../support/agent-consortium';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { rawQuery } from '../support/raw-db';
import { memberCard } from '../support/test-dealer';

/**
 * Real agent processes against a coordinator whose database is rewritten between rounds: the operator
 * replaces the key epoch with one it dealt itself. A bank that fetches the key again refuses it, says
 * why in the audit log, and uploads nothing under it; the banks holding the honest key carry on.
 */
describe(`an agent refuses a key epoch the coordinator dealt itself (${testDatabaseKind()})`, () => {
  let h: Harness;
  const agents: AgentProcess[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await h?.stop();
  });

  it('MANIFEST_UNTRUSTED_DEALER: nothing uploaded under the forged epoch, the refusal audited', async () => {
    h = await startHarness('untrusted-dealer');
    // Four banks: with the victim out, three honest ones still make a secure quorum and carry on.
    const c = await agentConsortium(h, { name: 'untrusted-dealer', seed: 5, banks: 4, agents });
    const { csv, dir, connected, finished } = c;
    const f = { id: c.federationId };
    const r1 = await finished((await h.admin.openRound(f.id)).id);
    expect(r1.state).toBe('published');

    // The operator makes a key pair of its own (enrolling it would change membership and start a new
    // epoch) and deals epoch 1 again with it, over the honest rows.
    const operator = {
      identity: {
        ...newKeyMaterial(),
        participantId: 'operator',
        federationId: f.id,
      } as AgentIdentity,
    };
    const ids = agents.map((a) => loadIdentity(a.stateDir)!);
    const cards = [...ids, operator.identity]
      .map((i) => memberCard(i))
      .sort((x, y) => (x.participantId < y.participantId ? -1 : 1));
    const [epoch] = await rawQuery(
      h.databaseUrl,
      'SELECT * FROM "key_epochs" WHERE "federationId" = ? AND "epoch" = 1',
      [f.id],
    );
    const fake = await generateFederationKey(String(epoch.parameterSet), 1);
    const dealt = dealKeyShares(fake, cards, operator.identity.boxSecretKey);
    const manifest: EpochManifest = {
      federationId: f.id,
      keyEpoch: 1,
      parameterSet: fake.parameterSet,
      members: cards,
      wrappedKeySha256: sha256(dealt.wrappedKey),
      dealerParticipantId: operator.identity.participantId,
    };
    await rawQuery(
      h.databaseUrl,
      'UPDATE "key_epochs" SET "manifestJson" = ?, "manifestSignature" = ?, "wrappedKey" = ? WHERE "federationId" = ? AND "epoch" = 1',
      [
        manifestToJson(manifest),
        Buffer.from(signEpochManifest(manifest, operator.identity.signingSecretKey)).toString('base64'),
        Buffer.from(dealt.wrappedKey),
        f.id,
      ],
    );
    for (const s of dealt.shares)
      await rawQuery(
        h.databaseUrl,
        'UPDATE "key_shares" SET "nonce" = ?, "sealedKey" = ? WHERE "federationId" = ? AND "epoch" = 1 AND "participantId" = ?',
        [Buffer.from(s.nonce), Buffer.from(s.sealedKey), f.id, s.participantId],
      );

    // The victim restarts (as after a reboot) and must fetch epoch 1 again; the others still hold the honest key.
    const victim = agents[1];
    const victimId = ids[1].participantId;
    await victim.stop();
    agents[1] = runAgentProcess({
      coordinator: h.grpcAddress,
      transport: h.transport,
      csv: csv[1].file,
      dir,
      name: csv[1].name,
    });
    await connected(4);
    const r2 = await finished((await h.admin.openRound(f.id)).id);

    const refused = (await h.admin.audit({ federationId: f.id })).filter(
      (e) => e.action === 'agent.refused' && e.actor === victimId,
    );
    expect(refused.map((e) => (JSON.parse(e.detail) as { reason: string }).reason)).toContain(
      'MANIFEST_UNTRUSTED_DEALER',
    );
    const receipts = await rawQuery(h.databaseUrl, 'SELECT * FROM "update_receipts" WHERE "roundId" = ?', [r2.id]);
    expect(receipts.filter((r) => r.participantId === victimId)).toEqual([]);
    // Positive control: the banks holding the honest key did upload in that round, so an upload would show.
    expect(new Set(receipts.map((r) => r.participantId))).toEqual(
      new Set([ids[0].participantId, ids[2].participantId, ids[3].participantId]),
    );
    expect(r2.keyEpoch).toBe(1);
    expect(r2.state).toBe('published');
  });
});
