import { loadIdentity } from '@syndicate/participant';
import { decodeFloat32, encodeFloat32, sha256 } from '@syndicate/protocol';
import { waitFor, type AgentProcess } from '../support/agent-process';
import { agentConsortium } from '../support/agent-consortium';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { rawQuery } from '../support/raw-db';

/**
 * Real agent processes against a coordinator that serves a model other than the one the round's sum
 * gives (a tampered row, as a compromised coordinator or a lying publisher would produce). Every
 * member computed the model itself from the sum, so each refuses to train on the imposed one.
 */
describe(`no member trains on a model it did not compute (${testDatabaseKind()})`, () => {
  let h: Harness;
  const agents: AgentProcess[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await h?.stop();
  });

  it('MODEL_MISMATCH: the imposed model is refused by every member, audited, and nobody uploads an update from it', async () => {
    h = await startHarness('imposed-model');
    const c = await agentConsortium(h, { name: 'imposed-model', seed: 7, banks: 3, agents });
    const { finished } = c;
    const f = { id: c.federationId };
    const ids = agents.map((a) => loadIdentity(a.stateDir)!.participantId);
    const r1 = await finished((await h.admin.openRound(f.id)).id);
    expect(r1.state).toBe('published');
    const modelReceipts = async (roundId: string) =>
      (
        await rawQuery(h.databaseUrl, 'SELECT * FROM "update_receipts" WHERE "roundId" = ? AND "kind" = ?', [
          roundId,
          'model',
        ])
      )
        .map((r) => String(r.participantId))
        .sort();
    // Positive control: in the honest round every member's update is in, so an update would show.
    expect(await modelReceipts(r1.id)).toEqual([...ids].sort());

    // The coordinator serves round 1's model with one weight moved, hash and all consistent.
    const [row] = await rawQuery(h.databaseUrl, 'SELECT * FROM "model_versions" WHERE "id" = ?', [
      r1.resultModelVersionId,
    ]);
    const weights = decodeFloat32(Buffer.from(row.data as Buffer), Number(row.numParams));
    const imposed = Float32Array.from(weights);
    imposed[0] += 0.5;
    expect(imposed[0]).not.toBe(weights[0]);
    const data = encodeFloat32(imposed);
    await rawQuery(h.databaseUrl, 'UPDATE "model_versions" SET "data" = ?, "sha256" = ? WHERE "id" = ?', [
      data,
      Buffer.from(sha256(data)).toString('hex'),
      r1.resultModelVersionId,
    ]);

    const r2 = await h.admin.openRound(f.id, { deadlineSeconds: 30 });
    await waitFor(
      'every member refused the imposed model',
      async () => {
        const refused = (await h.admin.audit({ federationId: f.id })).filter(
          (e) =>
            e.action === 'agent.refused' && (JSON.parse(e.detail) as { reason: string }).reason === 'MODEL_MISMATCH',
        );
        return new Set(refused.map((e) => e.actor)).size === 3;
      },
      300_000,
    );
    expect(await modelReceipts(r2.id)).toEqual([]);
    expect((await finished(r2.id)).state).toBe('failed');
  });
});
