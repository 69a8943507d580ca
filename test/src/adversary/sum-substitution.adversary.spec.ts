import { agentTrust, applyAggregate, KeyRing, memberWeight, SecureSums, TrustRefusal } from '@syndicate/participant';
import {
  decodeAggregate,
  decodeSampleCount,
  encodeWeightedDelta,
  identityFingerprint,
  parseTrainingPlan,
  seededRandom,
  type Task__Output,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { forgeSum } from '../support/forged-sum';
import { lightSecureRound, type LightMember, type LightSecureRound } from '../support/light-secure-round';
import { rawQuery } from '../support/raw-db';
import { uploadSigned } from '../support/signed-contribution';

const planInput: TrainingPlanInput = {
  name: 'adversary-sums',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  rounds: { minParticipants: 3, maxParticipants: 8, deadlineSeconds: 300 },
  aggregation: { mode: 'secure', secure: { clip: 1 } },
};
const COUNTS = { 'bank-a': 500, 'bank-b': 300, 'bank-c': 200 };

/**
 * A coordinator that lies about sums: the test holds the coordinator's database and rewrites the
 * stored sums and receipts behind its back, while bank-a runs the real agent library (pins, key ring,
 * sum gate, bounds) over real gRPC. Every substitution is refused with its named reason before
 * anything is decrypted; each case's positive control decrypts the forged sum and shows it WOULD
 * have given the adversary a single bank's figure.
 */
describe(`a member decrypts only a true consortium sum (${testDatabaseKind()})`, () => {
  let h: Harness;
  let r: LightSecureRound;
  let a: LightMember;
  let sums: SecureSums;
  let keys: KeyRing;
  let trainA: Task__Output;
  /** What the coordinator stored of each member's count before it summed them: the adversary keeps a copy. */
  const uploads = new Map<string, Buffer>();
  let honestCountSum: Buffer;
  const refusals: string[] = [];

  beforeAll(async () => {
    h = await startHarness('adversary-sums');
    r = await lightSecureRound(h, planInput, Object.entries(COUNTS));
    a = r.members[0];
    for (const row of await rawQuery(
      h.databaseUrl,
      'SELECT "participantId", "data" FROM "accepted_ciphertexts" WHERE "roundId" = ? AND "kind" = ?',
      [r.train.roundId, 'count'],
    ))
      uploads.set(String(row.participantId), Buffer.from(row.data as Buffer));
    // bank-a pins the others' fingerprints, exchanged out of band.
    const pins = r.members.slice(1).map((m) => ({
      name: m.identity.participantId,
      fingerprint: identityFingerprint(m.identity.signingPublicKey),
    }));
    const trust = agentTrust(a.identity, a.client, () => ({
      pinned: pins,
      endorsementsRequired: 2,
      minContributors: 3,
    }));
    keys = new KeyRing(a.identity, a.client, trust);
    const reporting = {
      uploadUpdate: a.client.uploadUpdate.bind(a.client),
      downloadAggregate: a.client.downloadAggregate.bind(a.client),
      reportRefusal: async (reason: string, detail: string, roundId?: string, keyEpoch?: number) => {
        refusals.push(reason);
        await a.client.reportRefusal(reason, detail, roundId, keyEpoch);
      },
    };
    sums = new SecureSums(a.identity, reporting, keys, trust, () => 3);
    trainA = r.train;
  }, 120_000);
  afterAll(async () => {
    keys?.dispose();
    r?.close();
    await h?.stop();
  });

  const idOf = (i: number) => r.members[i].identity.participantId;
  const weightOfA = () => memberWeight({ task: trainA, sums, keys, spec: r.spec, numSamples: COUNTS['bank-a'] });

  /** Builds a "sum" payload from member uploads with signs: the coordinator can add and negate without a key. */
  const forge = (parts: [participantIndex: number, sign: 1 | -1][]): Buffer =>
    forgeSum(
      r.holder.rt,
      parts.map(([i, sign]) => [uploads.get(idOf(i))!, sign]),
    );
  const storeSum = (kind: string, data: Buffer) =>
    rawQuery(h.databaseUrl, 'UPDATE "round_accumulators" SET "data" = ? WHERE "roundId" = ? AND "kind" = ?', [
      data,
      r.train.roundId,
      kind,
    ]);
  const refusedWith = async (work: Promise<unknown>, reason: string) => {
    const err = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TrustRefusal);
    expect((err as TrustRefusal).reason).toBe(reason);
  };

  it('positive control: the honest count sum is admitted and gives bank-a its true weight', async () => {
    const w = await weightOfA();
    expect(w.total).toBe(1000);
    expect(w.weight).toBeCloseTo(0.5, 12);
    const [row] = await rawQuery(
      h.databaseUrl,
      'SELECT "data" FROM "round_accumulators" WHERE "roundId" = ? AND "kind" = ?',
      [r.train.roundId, 'count'],
    );
    honestCountSum = Buffer.from(row.data as Buffer);
    expect(uploads.size).toBe(3);
  });

  it.each([
    ["one bank's ciphertext (B)", [[1, 1]]],
    [
      'B + A - A',
      [
        [1, 1],
        [0, 1],
        [0, -1],
      ],
    ],
    [
      '2B',
      [
        [1, 1],
        [1, 1],
      ],
    ],
    [
      'a sum missing one contribution (A + B)',
      [
        [0, 1],
        [1, 1],
      ],
    ],
  ] as [string, [number, 1 | -1][]][])('SUM_DIGEST_MISMATCH: %s handed off as the count sum', async (_what, parts) => {
    const forged = forge(parts);
    // Positive control: decrypted, the forgery gives what it was built from (bank-b's own count, for B).
    const value = decodeSampleCount(r.holder.decrypt(forged), r.spec);
    const expected = parts.reduce((s, [i, sign]) => s + sign * Object.values(COUNTS)[i], 0);
    expect(value).toBe(expected);
    await storeSum('count', forged);
    const before = refusals.length;
    await refusedWith(weightOfA(), 'SUM_DIGEST_MISMATCH');
    expect(refusals.slice(before)).toEqual(['SUM_DIGEST_MISMATCH']);
    await storeSum('count', honestCountSum);
    expect((await weightOfA()).total).toBe(1000);
  });

  it('AGGREGATE_OUT_OF_RANGE: a member that sends fields far beyond the clip bound is caught, and nothing is applied', async () => {
    const rand = seededRandom(3);
    const plan = parseTrainingPlan(planInput);
    const upload = (m: LightMember, fields: Uint32Array) => {
      return uploadSigned(m, r, {
        roundId: r.train.roundId,
        baseModelVersionId: r.train.modelVersionId,
        kind: 'model',
        payload: r.holder.encrypt(fields),
        numParams: 2,
      });
    };
    const [, b, c] = r.members;
    await upload(a, encodeWeightedDelta([0.1, -0.2], 0.5, r.spec, rand).fields);
    await upload(b, encodeWeightedDelta([0.3, 0.1], 0.3, r.spec, rand).fields);
    // bank-c poisons: every value field at 28 000 where honest members send at most 2^bits - 1.
    const poisoned = encodeWeightedDelta([0, 0], 0.2, r.spec, rand).fields;
    poisoned.fill(28_000, 0, 2);
    await upload(c, poisoned);
    await a.inbox.next('TASK_TYPE_APPLY', 60_000);
    const sum = await a.client.downloadAggregate(r.train.roundId, 'model');
    // Positive control: decoded without the bounds, the poisoned mean is far outside the clip bound.
    const agg = decodeAggregate(r.holder.decrypt(sum.data), 2, sum.contributors, r.spec);
    expect(Math.max(...Array.from(agg.delta, Math.abs))).toBeGreaterThan(5 * r.spec.clip);
    const before = refusals.length;
    await refusedWith(
      applyAggregate({
        task: r.train,
        client: a.client,
        sums,
        keys,
        spec: r.spec,
        plan,
        base: new Float32Array(2),
        ownWeight: 0.5,
      }),
      'AGGREGATE_OUT_OF_RANGE',
    );
    expect(refusals.slice(before)).toEqual(['AGGREGATE_OUT_OF_RANGE']);
    expect((await h.admin.round(r.train.roundId)).resultModelVersionId ?? null).toBeNull();
  });

  it('SUM_TOO_FEW_CONTRIBUTORS: a sum the coordinator says has 2 or 1 contributors is never decrypted', async () => {
    const drop = (i: number) =>
      rawQuery(
        h.databaseUrl,
        'DELETE FROM "update_receipts" WHERE "roundId" = ? AND "participantId" = ? AND "kind" = ?',
        [r.train.roundId, idOf(i), 'count'],
      );
    await drop(2);
    await refusedWith(weightOfA(), 'SUM_TOO_FEW_CONTRIBUTORS');
    await drop(1);
    await refusedWith(weightOfA(), 'SUM_TOO_FEW_CONTRIBUTORS');
    // Every refusal reached the coordinator's audit log with its reason.
    const audit = await h.admin.audit({ federationId: r.federationId });
    const reported = audit
      .filter((e) => e.action === 'agent.refused')
      .map((e) => (JSON.parse(e.detail) as { reason: string }).reason);
    expect(reported).toEqual(
      expect.arrayContaining(['SUM_DIGEST_MISMATCH', 'AGGREGATE_OUT_OF_RANGE', 'SUM_TOO_FEW_CONTRIBUTORS']),
    );
  });
});
