import { decodeAggregate, encodeWeightedDelta, seededRandom, type TrainingPlanInput } from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { enrolledClient } from '../support/light-agent';
import { uploadSigned } from '../support/signed-contribution';
import { lightSecureRound, type LightSecureRound } from '../support/light-secure-round';

const planInput: TrainingPlanInput = {
  name: 'he-dropout',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  rounds: { minParticipants: 3, maxParticipants: 8 },
  aggregation: { mode: 'secure', secure: { clip: 1 } },
};

/**
 * A member that counted and then vanished is simply not in the sum: the round
 * closes at its deadline with the others, and the weights they carried make the
 * result their own weighted mean (no member's count is ever revealed).
 */
describe(`secure aggregation with a dropout (${testDatabaseKind()})`, () => {
  let h: Harness;
  let r: LightSecureRound | undefined;
  afterAll(async () => {
    r?.close();
    await h?.stop();
  });

  it('closes at the deadline without the dropped member and renormalises the weights', async () => {
    h = await startHarness('he-dropout');
    r = await lightSecureRound(
      h,
      planInput,
      [
        ['bank-a', 500],
        ['bank-b', 300],
        ['bank-c', 200],
        ['bank-d', 100],
      ],
      // A quarter of the deadline is for counts: 3 s keeps a loaded CI machine from failing the round before it starts.
      { deadlineSeconds: 12 },
    );
    // Four members, so the three that stay still make a secure quorum.
    const [a, b, c, d] = r.members;
    d.inbox.close();
    d.client.close(); // counted, then gone
    const total = 1100;
    const deltas = { a: [0.2, -0.1], b: [-0.4, 0.3], c: [0.1, 0.5] };
    const rand = seededRandom(9);
    for (const [m, delta] of [
      [a, deltas.a],
      [b, deltas.b],
      [c, deltas.c],
    ] as const) {
      const payload = r.holder.encrypt(encodeWeightedDelta(delta, m.n / total, r.spec, rand).fields);
      await uploadSigned(m, r, {
        roundId: r.train.roundId,
        baseModelVersionId: r.train.modelVersionId,
        kind: 'model',
        payload,
        numParams: 2,
      });
    }
    expect((await h.admin.round(r.train.roundId)).state).toBe('collecting'); // still waiting for bank-d
    await Promise.any([a.inbox.next('TASK_TYPE_APPLY', 30_000), b.inbox.next('TASK_TYPE_APPLY', 30_000)]);
    const view = await h.admin.round(r.train.roundId);
    expect(view.contributors.map((x) => x.displayName).sort()).toEqual(['bank-a', 'bank-b', 'bank-c']);
    const sum = await a.client.downloadAggregate(r.train.roundId, 'model');
    const agg = decodeAggregate(r.holder.decrypt(sum.data), 2, sum.contributors, r.spec);
    expect(agg.totalWeight).toBeCloseTo(1000 / 1100, 6);
    for (let i = 0; i < 2; i++) {
      const expected = (a.n * deltas.a[i] + b.n * deltas.b[i] + c.n * deltas.c[i]) / (a.n + b.n + c.n);
      expect(Math.abs(agg.delta[i] - expected)).toBeLessThanOrEqual(agg.errorBound);
    }
  });

  it('fails a round, saying why, when no member is online to deal the key epoch before the deadline', async () => {
    const f = await h.admin.createFederation({ ...planInput, name: 'he-nobody-online' });
    await enrolledClient(h, f.id, 'offline-bank'); // enrolled, never connects
    const opened = await h.admin.openRound(f.id, { deadlineSeconds: 1 });
    expect(opened.state).toBe('open');
    let view = opened;
    for (let i = 0; i < 50 && view.state === 'open'; i++) {
      await new Promise((res) => setTimeout(res, 100));
      view = await h.admin.round(opened.id);
    }
    expect(view.state).toBe('failed');
    expect(view.failureReason).toMatch(/no key epoch could be dealt/);
  });
});
