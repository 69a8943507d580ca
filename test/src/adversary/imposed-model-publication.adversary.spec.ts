import { sha256 } from '@syndicate/protocol';
import { waitFor, type AgentProcess } from '../support/agent-process';
import { agentConsortium } from '../support/agent-consortium';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { rawQuery } from '../support/raw-db';

/**
 * Real agent processes against a coordinator that imposes a model at publication: the publisher's
 * upload is swapped (a database trigger, as a compromised coordinator or a lying publisher would do)
 * for another model, hash and all consistent. Every other member computed the model itself and
 * confirms its own hash, so the imposed one is never recorded and the round fails by name.
 */
describe(`a model no other member confirms is never recorded (${testDatabaseKind()})`, () => {
  let h: Harness;
  const agents: AgentProcess[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await h?.stop();
  });

  /** Swaps every held upload for a model of zeros of the same size, with that model's true SHA-256. */
  async function imposeZeros(bytes: number): Promise<void> {
    const zerosSha = Buffer.from(sha256(Buffer.alloc(bytes))).toString('hex');
    if (h.databaseUrl.startsWith('sqlite:')) {
      await rawQuery(
        h.databaseUrl,
        `CREATE TRIGGER impose AFTER INSERT ON "pending_publications" BEGIN
           UPDATE "pending_publications" SET "data" = zeroblob(length(NEW."data")), "payloadSha256" = '${zerosSha}'
           WHERE "roundId" = NEW."roundId"; END`,
      );
      return;
    }
    await rawQuery(
      h.databaseUrl,
      `CREATE FUNCTION impose() RETURNS trigger AS $$ BEGIN
         NEW."data" := decode(repeat('00', length(NEW."data")), 'hex'); NEW."payloadSha256" := '${zerosSha}';
         RETURN NEW; END $$ LANGUAGE plpgsql`,
    );
    await rawQuery(
      h.databaseUrl,
      'CREATE TRIGGER impose BEFORE INSERT ON "pending_publications" FOR EACH ROW EXECUTE FUNCTION impose()',
    );
  }

  it('PUBLICATION_UNCONFIRMED: the imposed model is refused by the confirming members, audited, and never becomes a version', async () => {
    h = await startHarness('imposed-publication');
    const c = await agentConsortium(h, {
      name: 'imposed-publication',
      seed: 11,
      banks: 3,
      agents,
      deadlineSeconds: 20,
    });
    const f = { id: c.federationId };
    const audit = async (action: string) =>
      (await h.admin.audit({ federationId: f.id })).filter((e) => e.action === action);

    // Positive control: an honest round records the publisher's model once another member confirms it.
    const r1 = await c.finished((await h.admin.openRound(f.id)).id);
    expect(r1.state).toBe('published');
    const [confirmed] = (await audit('publication.confirmed')).filter((e) => e.subject === r1.id);
    const detail = JSON.parse(confirmed.detail) as { confirmedBy: string[]; sha256: string; modelVersionId: string };
    expect(detail.modelVersionId).toBe(r1.resultModelVersionId);
    expect(new Set(detail.confirmedBy).size).toBeGreaterThanOrEqual(2);
    const [row] = await rawQuery(h.databaseUrl, 'SELECT * FROM "model_versions" WHERE "id" = ?', [
      r1.resultModelVersionId,
    ]);
    expect(Buffer.from(sha256(Buffer.from(row.data as Buffer))).toString('hex')).toBe(detail.sha256);

    await imposeZeros(Buffer.from(row.data as Buffer).length);
    const r2 = await c.finished((await h.admin.openRound(f.id, { deadlineSeconds: 20 })).id);
    expect(r2.state).toBe('failed');
    expect(r2.failureCode).toBe('PUBLICATION_UNCONFIRMED');
    expect(r2.resultModelVersionId).toBeNull();
    expect(await rawQuery(h.databaseUrl, 'SELECT "id" FROM "model_versions" WHERE "roundNumber" = ?', [2])).toEqual([]);
    // Members' confirmations of the model they computed were refused against the imposed one, and audited
    // (at least two: a member whose apply task comes after the round failed has nothing left to confirm).
    await waitFor('mismatches audited', async () => {
      const refused = (await audit('publication.mismatch')).filter((e) => e.subject === r2.id);
      return new Set(refused.map((e) => e.actor)).size >= 2;
    });
    expect((await audit('publication.confirmed')).filter((e) => e.subject === r2.id)).toEqual([]);
  });
});
