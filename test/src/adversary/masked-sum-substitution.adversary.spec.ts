import { memberWeight, TrustRefusal } from '@syndicate/participant';
import {
  decodeAggregate,
  decodeSampleCount,
  encodeSampleCount,
  encodeWeightedDelta,
  layoutOf,
  modelLayout,
  seededRandom,
  type Task__Output,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { waitFor } from '../support/agent-process';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { forgeSum } from '../support/forged-sum';
import {
  maskedLightRound,
  maskedUploads,
  openSum,
  tasksFor,
  type MaskedLightRound,
  type MaskedMember,
} from '../support/masked-light-round';
import { rawQuery } from '../support/raw-db';
import { chiSquare16, CRITICAL_15_DF_1E6 } from '../support/uniformity';

// An MLP on one feature: 301 parameters, so a sum carries enough fields for a chi-square over 16 ranges.
const planInput: TrainingPlanInput = {
  name: 'adversary-masked-sums',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'mlp', hiddenUnits: [100] },
  rounds: { minParticipants: 3, maxParticipants: 8, deadlineSeconds: 300 },
  aggregation: { mode: 'secure', secure: { clip: 1, masking: { enabled: true } } },
};
const BANKS: [string, number][] = [
  ['bank-a', 500],
  ['bank-b', 300],
  ['bank-c', 200],
  ['bank-d', 100],
];
type Download = Awaited<ReturnType<MaskedMember['client']['downloadAggregate']>>;

/**
 * Masking alone protects a sum: bank-a switched the sum digest check off (`checkSumDigest: false`,
 * as a bank with a large model may), bank-b kept it. The test holds the coordinator's database and
 * rewrites the stored model sum to one bank's ciphertext, B + A - A, 2B or a sum missing a part;
 * bank-a's agent library opens each (signs, reveals, unmasks) and gets uniform noise (chi-square
 * over the sum's fields at 1e-6), while the same forgery of unmasked uploads shows the bank's
 * figures. Then an old round's sum is replayed into the next round of the same key epoch.
 */
describe(`masking alone protects a sum the digest check did not vet (${testDatabaseKind()})`, () => {
  let h: Harness;
  let r: MaskedLightRound;
  let train: Map<string, Task__Output>;
  let numParams: number;
  /** What the coordinator kept of each member's masked model upload, and what an unmasked member would have sent. */
  let masked: Map<string, Buffer>;
  const plain = new Map<string, Buffer>();
  const fieldsOf = new Map<string, Uint32Array>();
  let honestModelSum: Buffer;
  /** Round 1's count sum as bank-b downloaded, admitted and decrypted it: the replay's material. */
  let oldCountSum: Download;

  beforeAll(async () => {
    h = await startHarness('adversary-masked-sums');
    r = await maskedLightRound(h, planInput, BANKS, { checkSumDigest: (name) => name !== 'bank-a' });
    numParams = modelLayout(r.plan).numParams;
    const counts = await tasksFor(r.members, 'TASK_TYPE_COUNT');
    await maskedUploads(r.members, counts, 'count', (m) => encodeSampleCount(m.n, r.spec));
    train = await tasksFor(r.members, 'TASK_TYPE_TRAIN');
    const b = r.members[1];
    b.relay.download = async (roundId, kind) => (oldCountSum = await b.client.downloadAggregate(roundId, kind));
    const weights = await Promise.all(
      r.members.map((m) =>
        memberWeight({ task: train.get(m.name)!, sums: m.sums, keys: m.keys, spec: r.spec, numSamples: m.n }),
      ),
    );
    b.relay.download = undefined;
    expect(weights.map((w) => w.total)).toEqual([1100, 1100, 1100, 1100]);
    masked = await maskedUploads(
      r.members,
      train,
      'model',
      (m) => {
        const i = r.members.indexOf(m);
        const rand = seededRandom(40 + i);
        const delta = Float64Array.from({ length: numParams }, () => (rand() - 0.5) * 0.04);
        const f = encodeWeightedDelta(delta, weights[i].weight, r.spec, rand).fields;
        fieldsOf.set(m.name, f);
        plain.set(m.name, r.holder.encrypt(f));
        return f;
      },
      numParams,
    );
    await tasksFor(r.members, 'TASK_TYPE_APPLY');
  }, 120_000);
  afterAll(async () => {
    r?.close();
    await h?.stop();
  });

  const member = (name: string) => r.members.find((m) => m.name === name)!;
  const roundId = () => train.get('bank-a')!.roundId;
  const fieldRange = () => 2 ** layoutOf(r.holder.rt).fieldBits;
  const accumulator = async (round: string, kind: string) =>
    Buffer.from(
      (
        await rawQuery(h.databaseUrl, 'SELECT "data" FROM "round_accumulators" WHERE "roundId" = ? AND "kind" = ?', [
          round,
          kind,
        ])
      )[0].data as Buffer,
    );
  const storeSum = (round: string, kind: string, data: Buffer) =>
    rawQuery(h.databaseUrl, 'UPDATE "round_accumulators" SET "data" = ? WHERE "roundId" = ? AND "kind" = ?', [
      data,
      round,
      kind,
    ]);
  const reasonOf = (e: unknown) => (e instanceof TrustRefusal ? e.reason : String(e));

  it('positive control: the honest masked sum opens to the weighted mean, and its fields are far from uniform', async () => {
    const opened = await Promise.all(r.members.map((m) => openSum(m, train.get(m.name)!, 'model')));
    const total = (j: number) => r.members.reduce((s, m) => s + fieldsOf.get(m.name)![j], 0);
    for (const fields of opened) {
      expect(Array.from(fields)).toEqual(Array.from(fieldsOf.get('bank-a')!, (_, j) => total(j)));
      expect(decodeAggregate(fields, numParams, 4, r.spec).totalWeight).toBeCloseTo(1, 3);
      expect(chiSquare16(fields, fieldRange())).toBeGreaterThan(CRITICAL_15_DF_1E6);
    }
    honestModelSum = await accumulator(roundId(), 'model');
  });

  it.each([
    ["one bank's ciphertext (B)", [['bank-b', 1]]],
    [
      'B + A - A',
      [
        ['bank-b', 1],
        ['bank-a', 1],
        ['bank-a', -1],
      ],
    ],
    [
      '2B',
      [
        ['bank-b', 1],
        ['bank-b', 1],
      ],
    ],
    [
      'a sum missing one contribution (A + B + C)',
      [
        ['bank-a', 1],
        ['bank-b', 1],
        ['bank-c', 1],
      ],
    ],
  ] as [string, [string, 1 | -1][]][])('%s handed off as the model sum decrypts to noise', async (_what, parts) => {
    const t = r.holder.rt.plainModulus;
    const combined = Array.from(fieldsOf.get('bank-a')!, (_, j) =>
      parts.reduce((s, [name, sign]) => (s + sign * fieldsOf.get(name)![j] + t) % t, 0),
    );
    // Positive control: forged from unmasked uploads, the same combination reads as the bank's own figures.
    const exposed = r.holder.decrypt(
      forgeSum(
        r.holder.rt,
        parts.map(([n, sign]) => [plain.get(n)!, sign]),
      ),
    );
    expect(Array.from(exposed)).toEqual(combined);
    expect(chiSquare16(exposed, fieldRange())).toBeGreaterThan(CRITICAL_15_DF_1E6);

    await storeSum(
      roundId(),
      'model',
      forgeSum(
        r.holder.rt,
        parts.map(([n, sign]) => [masked.get(n)!, sign]),
      ),
    );
    // bank-b's digest check refuses it before anything is decrypted ...
    const b = member('bank-b');
    const checked = b.sums.download({
      roundId: roundId(),
      kind: 'model',
      keyEpoch: 1,
      secure: true,
      contributed: true,
    });
    expect(reasonOf(await checked.catch((e: unknown) => e))).toBe('SUM_DIGEST_MISMATCH');
    // ... bank-a, without it, unmasks it as a sum of all four and gets noise: no bank's figure.
    const noise = await openSum(member('bank-a'), train.get('bank-a')!, 'model');
    expect(chiSquare16(noise, fieldRange())).toBeLessThan(CRITICAL_15_DF_1E6);
    expect(Array.from(noise)).not.toEqual(combined);
    await storeSum(roundId(), 'model', honestModelSum);
  });

  it("SUM_DIGEST_MISMATCH and SUM_WRONG_ROUND: round 1's count sum replayed into round 2 (same key epoch) is never opened", async () => {
    const b = member('bank-b');
    // Positive control: the replayed ciphertext is a valid sum: its own round's gate admits it, and it opens to the total.
    b.relay.download = () => Promise.resolve(oldCountSum);
    const again = await b.sums.download({
      roundId: roundId(),
      kind: 'count',
      keyEpoch: 1,
      secure: true,
      contributed: true,
    });
    expect(decodeSampleCount(await again.open(), r.spec)).toBe(1100);
    b.relay.download = undefined;

    await h.admin.cancelRound(roundId());
    const round2 = (await h.admin.openRound(r.federationId)).id;
    const counts = await tasksFor(r.members, 'TASK_TYPE_COUNT', round2);
    expect([...counts.values()].map((c) => c.keyEpoch)).toEqual([1, 1, 1, 1]);
    await maskedUploads(r.members, counts, 'count', (m) => encodeSampleCount(m.n, r.spec));
    const train2 = (await tasksFor([b], 'TASK_TYPE_TRAIN', round2)).get('bank-b')!;
    const weightOfB = () =>
      memberWeight({ task: train2, sums: b.sums, keys: b.keys, spec: r.spec, numSamples: b.n }).catch(reasonOf);

    // The old ciphertext, under round 2's own signed list.
    await b.client.downloadAggregate(round2, 'count'); // the coordinator stores the sum when first asked
    await storeSum(round2, 'count', oldCountSum.data);
    expect(await weightOfB()).toBe('SUM_DIGEST_MISMATCH');
    // The old ciphertext with its old signed list, as a hostile service would hand it over.
    b.relay.download = () => Promise.resolve(oldCountSum);
    expect(await weightOfB()).toBe('SUM_WRONG_ROUND');
    b.relay.download = undefined;

    expect(b.refusals.slice(-2)).toEqual(['SUM_DIGEST_MISMATCH', 'SUM_WRONG_ROUND']);
    // Nothing decrypted: bank-b never signed a survivor set of round 2's count sum.
    const signed = await rawQuery(
      h.databaseUrl,
      'SELECT "fromId" FROM "mask_messages" WHERE "sessionId" = ? AND "type" = ?',
      [`${round2}:count`, 'signature'],
    );
    expect(signed).toEqual([]);
    const audited = await waitFor('the replay refusals in the audit log', async () => {
      const reasons = (await h.admin.audit({ federationId: r.federationId }))
        .filter((e) => e.action === 'agent.refused' && e.actor === b.identity.participantId)
        .map((e) => (JSON.parse(e.detail) as { reason: string }).reason);
      return reasons.includes('SUM_WRONG_ROUND') && reasons;
    });
    expect(audited).toEqual(expect.arrayContaining(['SUM_DIGEST_MISMATCH', 'SUM_WRONG_ROUND']));
  });
});
