import { agentTrust, CoordinatorClient, KeyRing, loadIdentity, policySource } from '@syndicate/participant';
import type { HeKeyHolder } from '@syndicate/protocol';
import { waitFor, type AgentProcess } from '../support/agent-process';
import { agentConsortium } from '../support/agent-consortium';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { rawQuery } from '../support/raw-db';
import { chiSquare16, CRITICAL_15_DF_1E6 } from '../support/uniformity';

const slotsOf = (holder: HeKeyHolder, payload: Buffer): number[] =>
  holder.decryptSlots(payload, 'update').slots.flatMap((s) => Array.from(s));

/**
 * Five banks run real agent processes with pairwise masking on. The test then plays the coordinator
 * colluding with one member: it holds the coordinator's database and that member's epoch key, and
 * decrypts every contribution the coordinator stored. Each decrypts to noise; the round still
 * publishes, and every sum decrypted by the members is the true consortium figure.
 */
describe(`masked secure aggregation (${testDatabaseKind()})`, () => {
  let h: Harness;
  const agents: AgentProcess[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await h?.stop();
  });

  it('coordinator + one member decrypt only noise from every contribution the coordinator kept; the round publishes', async () => {
    h = await startHarness('masked');
    const c = await agentConsortium(h, {
      name: 'masked',
      seed: 11,
      banks: 5,
      agents,
      masked: true,
      deadlineSeconds: 240,
    });
    // A compromised coordinator keeps every ciphertext it is sent (this one drops them once summed): copy them as they land.
    const kept = new Map<string, { participantId: string; kind: string; data: Buffer }>();
    let spying = true;
    const spy = (async () => {
      while (spying) {
        for (const r of await rawQuery(
          h.databaseUrl,
          'SELECT "participantId", "kind", "data" FROM "accepted_ciphertexts"',
          [],
        ))
          kept.set(`${String(r.participantId)}:${String(r.kind)}`, {
            participantId: String(r.participantId),
            kind: String(r.kind),
            data: Buffer.from(r.data as Buffer),
          });
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    const round = await c.finished((await h.admin.openRound(c.federationId)).id);
    expect({ state: round.state, why: round.failureReason }).toEqual({ state: 'published', why: null });
    const evaluation = (await waitFor('the evaluation to complete', async () => {
      const [ev] = await h.admin.evaluations(c.federationId);
      return ev && ['complete', 'failed'].includes(ev.state) && ev;
    })) as Awaited<ReturnType<Harness['admin']['evaluations']>>[number];
    expect(evaluation.state).toBe('complete');
    spying = false;
    await spy;

    // Every masked sum ran the protocol to the end: five members advertised, the survivors signed.
    const sessions = await rawQuery(h.databaseUrl, 'SELECT "kind", "state", "threshold" FROM "mask_sessions"', []);
    expect(sessions.map((s) => String(s.kind)).sort()).toEqual(['count', 'evaluation', 'model']);
    expect(sessions.every((s) => s.state === 'confirming' && Number(s.threshold) === 4)).toBe(true);
    const adverts = await rawQuery(h.databaseUrl, 'SELECT "sessionId" FROM "mask_messages" WHERE "type" = ?', [
      'advert',
    ]);
    expect(adverts).toHaveLength(15);

    // The colluding member: bank 0's own key ring opens the round's key epoch.
    const stateDir = agents[0].stateDir;
    const identity = { ...loadIdentity(stateDir)!, coordinator: h.grpcAddress, transport: h.transport };
    const client = new CoordinatorClient(identity);
    const ring = new KeyRing(identity, client, agentTrust(identity, client, policySource(stateDir)));
    try {
      const [{ keyEpoch }] = await rawQuery(h.databaseUrl, 'SELECT "keyEpoch" FROM "rounds" WHERE "id" = ?', [
        round.id,
      ]);
      const { holder } = await ring.get(Number(keyEpoch));
      const t = holder.rt.plainModulus;
      const stored = [...kept.values()];
      const kinds = stored.map((r) => String(r.kind));
      // The last upload of a kind closes its phase and the coordinator drops the parts: most are caught.
      expect(kinds.filter((k) => k === 'count').length).toBeGreaterThanOrEqual(3);
      expect(kinds.filter((k) => k === 'model').length).toBeGreaterThanOrEqual(3);
      for (const row of stored) {
        const x2 = chiSquare16(slotsOf(holder, row.data), t);
        expect({ kind: row.kind, from: row.participantId, uniform: x2 < CRITICAL_15_DF_1E6 }).toEqual({
          kind: row.kind,
          from: row.participantId,
          uniform: true,
        });
      }
      // Positive control: the same test catches an unmasked contribution (a sample count, as the codec packs it).
      const unmasked = holder.encrypt(new Uint32Array([1234, 0, 0, 0]));
      expect(chiSquare16(slotsOf(holder, unmasked), t)).toBeGreaterThan(CRITICAL_15_DF_1E6);
    } finally {
      ring.dispose();
      client.close();
    }
  }, 600_000);
});
