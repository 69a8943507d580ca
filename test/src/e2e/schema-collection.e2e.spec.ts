import * as fs from 'fs';
import * as path from 'path';
import { CoordinatorCallError, SchemaCollectionClient } from '@syndicate/participant';
import {
  emptyColumnTally,
  categoryTag,
  decodeSchemaFields,
  encodeSchemaFields,
  parseSchemaIndex,
  proveContribution,
  sealCategoryName,
  type ColumnTally,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { lightSecureRound, type LightSecureRound } from '../support/light-secure-round';

const plan: TrainingPlanInput = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'credit-risk', 'plan-logistic.json'), 'utf8'),
);

const tally = (counts: Record<string, number>): ColumnTally => {
  const present = Object.values(counts).reduce((a, b) => a + b, 0);
  const t = emptyColumnTally();
  return {
    ...t,
    present,
    missing: 1,
    nonNumeric: present,
    notBinary: present,
    counts: new Map(Object.entries(counts)),
  };
};

/** The coordinator's side of a schema collection, met by members playing it straight and by one that does not. */
describe(`schema collection intake (${testDatabaseKind()})`, () => {
  let h: Harness;
  let s: LightSecureRound;
  afterAll(async () => {
    s?.close();
    await h?.stop();
  });

  it('refuses tallies whose signed statement is not theirs, accepts each member once, and adds them without a key', async () => {
    h = await startHarness('schema-intake');
    s = await lightSecureRound(
      h,
      {
        ...plan,
        name: 'schema-intake',
        rounds: { ...plan.rounds, minParticipants: 3 },
        aggregation: { mode: 'secure' },
      },
      [
        ['A', 10],
        ['B', 10],
        ['C', 10],
      ],
    );
    const { id } = await h.admin.call<{ id: string }>('POST', `/v1/federations/${s.federationId}/schema-collections`, {
      minCategoryCount: 2,
    });
    const secret = s.key.epochSecret;
    const values = [{ clerk: 3, pilot: 1 }, { clerk: 2 }, { farmer: 4, clerk: 1 }];
    const clients = s.members.map((m) => new SchemaCollectionClient(m.identity));
    try {
      for (const [i, c] of clients.entries()) {
        const categories = Object.keys(values[i]).map((v) => ({
          column: 'job',
          tag: categoryTag(secret, 'job', v),
          name: sealCategoryName(secret, v),
        }));
        await c.sendNames(id, JSON.stringify({ columns: ['job'], categories }));
      }
      const st = await clients[0].status(id);
      expect(st.state).toBe('tallies');
      const index = parseSchemaIndex(st.indexJson);
      const fields = values.map((v) =>
        encodeSchemaFields(index, new Map([['job', tally(v)]]), (col, x) => categoryTag(secret, col, x), s.spec),
      );
      const payloads = fields.map((f) => s.holder.encrypt(f));
      const prove = (i: number, o: { kind?: string; payload?: Buffer } = {}) =>
        proveContribution({
          rt: s.holder.rt,
          epochSecret: secret,
          signSecretKey: s.members[i].identity.signingSecretKey,
          federationId: s.federationId,
          roundId: id,
          kind: o.kind ?? 'schema',
          keyEpoch: s.keyEpoch,
          participantId: s.members[i].identity.participantId,
          payload: o.payload ?? payloads[i],
        });
      const refusal = (p: Promise<unknown>) =>
        p.then(
          () => 'accepted',
          (e: CoordinatorCallError) => e.reason,
        );
      // Signed for another kind, another member's statement, or another ciphertext: refused, each by name.
      expect(await refusal(clients[0].sendTally(id, payloads[0], prove(0, { kind: 'stats' })))).toBe(
        'BAD_SCHEMA_TALLY',
      );
      expect(await refusal(clients[0].sendTally(id, payloads[1], prove(1)))).toBe('BAD_SCHEMA_TALLY');
      expect(await refusal(clients[0].sendTally(id, payloads[0], prove(0, { payload: payloads[1] })))).toBe(
        'BAD_SCHEMA_TALLY',
      );
      // Positive control: its own statement over its own ciphertext is taken, once.
      expect(await refusal(clients[0].sendTally(id, payloads[0], prove(0)))).toBe('accepted');
      const again = s.holder.encrypt(fields[0]);
      expect(await refusal(clients[0].sendTally(id, again, prove(0, { payload: again })))).toBe(
        'SCHEMA_COLLECTION_STEP',
      );
      expect(await refusal(clients[1].sendNames(id, '{"columns":["job"],"categories":[]}'))).toBe(
        'SCHEMA_COLLECTION_STEP',
      );
      await clients[1].sendTally(id, payloads[1], prove(1));
      const closed = await clients[2].sendTally(id, payloads[2], prove(2));
      expect(closed.state).toBe('closed');
      expect(closed.statements.map((x) => x.participantId).sort()).toEqual(
        s.members.map((m) => m.identity.participantId).sort(),
      );
      // The sum the coordinator served decrypts to the members' tallies added up.
      const [job] = decodeSchemaFields(s.holder.decrypt(closed.sum), index, s.spec);
      const count = (v: string) =>
        job.tagCounts[index.columns[0].tags.findIndex((t) => t.tag === categoryTag(secret, 'job', v))];
      expect([count('clerk'), count('pilot'), count('farmer'), job.missing, job.present]).toEqual([6, 1, 4, 3, 11]);
    } finally {
      clients.forEach((c) => c.close());
    }
  });
});
