import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateConsortium, toCsv } from '@syndicate/examples';
import { pullModel } from '@syndicate/participant';
import type { TrainingPlanInput } from '@syndicate/protocol';
import { pinAgents, startAgentProcess, waitFor, type AgentProcess } from '../support/agent-process';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { rawQuery } from '../support/raw-db';

const base: TrainingPlanInput = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json'), 'utf8'),
);

/**
 * Members-only: a bank that joins after round 1 gets the next key epoch, and the
 * current model re-sealed for it by an existing member, so it trains from it.
 */
describe(`key epochs follow membership (${testDatabaseKind()})`, () => {
  let h: Harness;
  const agents: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await h?.stop();
  });

  it('a member joining later receives a new epoch and the re-sealed model, and contributes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-rotation-'));
    const { banks } = generateConsortium({ seed: 5, scale: 0.05 });
    // Three founding banks (a key for fewer would let them read each other), and a fourth joining later.
    const csv = banks.slice(0, 4).map((b) => {
      const file = path.join(dir, `${b.name}.csv`);
      fs.writeFileSync(file, toCsv(b.rows));
      return { name: b.name, file };
    });
    h = await startHarness('rotation');
    const plan = {
      ...base,
      name: 'rotation',
      rounds: { ...base.rounds, minParticipants: 3, deadlineSeconds: 90 },
      // Masked: each round's sums are masked among that round's key members, the newcomer included.
      aggregation: { mode: 'secure', secure: { clip: 4, releasePolicy: 'members-only', masking: { enabled: true } } },
    };
    const f = await h.admin.createFederation(plan);
    const connected = (n: number) =>
      waitFor(
        `${n} agents connected`,
        async () => (await h.admin.participants(f.id)).filter((p) => p.connected).length >= n,
      );
    const published = (roundId: string) =>
      waitFor(`round ${roundId} published`, async () => {
        const r = await h.admin.round(roundId);
        if (r.state === 'failed') throw new Error(`round failed: ${r.failureReason}`);
        return r.state === 'published' && r;
      });

    const founders: AgentProcess[] = [];
    for (const b of csv.slice(0, 3)) founders.push(await startAgentProcess(h, f.id, b.name, b.file, dir));
    agents.push(...founders);
    await connected(3);
    await pinAgents(founders);
    const r1 = await published((await h.admin.openRound(f.id)).id);
    expect(r1.keyEpoch).toBe(1);

    const late = await startAgentProcess(h, f.id, csv[3].name, csv[3].file, dir);
    agents.push(late);
    await connected(4);
    // The operators exchange fingerprints with the newcomer; every bank pins it, and it pins them.
    await pinAgents([...founders, late]);
    const r2 = await published((await h.admin.openRound(f.id)).id);
    expect(r2.keyEpoch).toBe(2);
    expect(r2.contributors.map((c) => c.displayName).sort()).toEqual(csv.map((b) => b.name).sort());
    // Both rounds' count and model sums ran the masking protocol among that epoch's members, to the survivors' shares.
    const sessions = await rawQuery(
      h.databaseUrl,
      `SELECT "roundId", "kind", "keyEpoch", "state", "expectedJson" FROM "mask_sessions" WHERE "kind" IN ('count', 'model')`,
      [],
    );
    const summary = (roundId: string) =>
      sessions
        .filter((s) => s.roundId === roundId)
        .map((s) => ({
          kind: String(s.kind),
          keyEpoch: Number(s.keyEpoch),
          state: String(s.state),
          members: (JSON.parse(String(s.expectedJson)) as string[]).length,
        }))
        .sort((a, b) => (a.kind < b.kind ? -1 : 1));
    expect(summary(r1.id)).toEqual([
      { kind: 'count', keyEpoch: 1, state: 'confirming', members: 3 },
      { kind: 'model', keyEpoch: 1, state: 'confirming', members: 3 },
    ]);
    expect(summary(r2.id)).toEqual([
      { kind: 'count', keyEpoch: 2, state: 'confirming', members: 4 },
      { kind: 'model', keyEpoch: 2, state: 'confirming', members: 4 },
    ]);

    // Round 1's model was re-sealed under epoch 2; the coordinator holds both seals, reads neither.
    const models = await h.admin.models(f.id);
    const round1 = models.filter((m) => m.roundNumber === 1).map((m) => [m.keyEpoch, m.encoding]);
    expect(round1.sort()).toEqual([
      [1, 'PAYLOAD_ENCODING_SEALED_FLOAT32'],
      [2, 'PAYLOAD_ENCODING_SEALED_FLOAT32'],
    ]);
    // The late member's data scientist can open the current model with its own share.
    const pulled = await pullModel({ stateDir: late.stateDir, modelVersionId: 'latest' });
    expect(pulled).toMatchObject({ roundNumber: 2, sealed: true });
    expect(pulled.weights.every((w) => Number.isFinite(w))).toBe(true);
  });
});
