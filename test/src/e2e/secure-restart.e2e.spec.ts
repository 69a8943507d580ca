import { CoordinatorClient } from '@syndicate/participant';
import { encodeWeightedDelta, seededRandom, type TrainingPlanInput } from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { lightSecureRound, type LightMember, type LightSecureRound } from '../support/light-secure-round';
import { uploadSigned } from '../support/signed-contribution';

const planInput: TrainingPlanInput = {
  name: 'he-restart',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  rounds: { minParticipants: 3, maxParticipants: 8, deadlineSeconds: 120 },
  aggregation: { mode: 'secure', secure: { clip: 1 } },
};

/**
 * The running encrypted sum lives in memory; what makes an accepted update
 * durable is its ciphertext committed with the receipt. A coordinator restarted
 * mid-round rebuilds the sum from them: nothing accepted is lost or doubled.
 */
describe(`secure round across a coordinator restart (${testDatabaseKind()})`, () => {
  let first: Harness | undefined;
  let second: Harness | undefined;
  let r: LightSecureRound | undefined;
  const clients: CoordinatorClient[] = [];
  afterAll(async () => {
    r?.close();
    clients.forEach((c) => c.close());
    await first?.stop();
    await second?.stop();
  });

  it('keeps an update accepted before the restart and adds the next one to it exactly', async () => {
    first = await startHarness('he-restart');
    r = await lightSecureRound(first, planInput, [
      ['bank-a', 500],
      ['bank-b', 300],
      // A secure round needs 3 contributors.
      ['bank-c', 200],
    ]);
    const [a, b, c] = r.members;
    const rand = seededRandom(3);
    const fieldsA = encodeWeightedDelta([0.25, -0.5], 0.5, r.spec, rand).fields;
    const fieldsB = encodeWeightedDelta([-0.1, 0.7], 0.3, r.spec, rand).fields;
    const fieldsC = encodeWeightedDelta([0.3, 0.1], 0.2, r.spec, rand).fields;
    const upload = (m: Pick<LightMember, 'identity' | 'client'>, fields: Uint32Array) => {
      return uploadSigned(m, r!, {
        roundId: r!.train.roundId,
        baseModelVersionId: r!.train.modelVersionId,
        kind: 'model',
        payload: r!.holder.encrypt(fields),
        numParams: 2,
      });
    };
    await upload(a, fieldsA);

    const databaseUrl = first.databaseUrl;
    await first.stop();
    first = undefined;
    second = await startHarness('he-restart', { databaseUrl });
    const again = (identity: typeof a.identity) => {
      const c = new CoordinatorClient({ ...identity, coordinator: second!.grpcAddress });
      clients.push(c);
      return c;
    };
    const clientA = again(a.identity);
    const clientB = again(b.identity);
    const clientC = again(c.identity);
    // A re-sent update is recognised as already in the sum, not added twice.
    await expect(upload({ identity: a.identity, client: clientA }, fieldsA)).rejects.toMatchObject({
      reason: 'DUPLICATE_UPDATE',
    });
    await upload({ identity: b.identity, client: clientB }, fieldsB);
    await upload({ identity: c.identity, client: clientC }, fieldsC);

    const view = await second.admin.round(r.train.roundId);
    expect(view.contributors).toHaveLength(3);
    const sum = await clientA.downloadAggregate(r.train.roundId, 'model');
    expect(sum.contributors).toBe(3);
    expect(Array.from(r.holder.decrypt(sum.data))).toEqual(Array.from(fieldsA, (x, i) => x + fieldsB[i] + fieldsC[i]));
  });
});
