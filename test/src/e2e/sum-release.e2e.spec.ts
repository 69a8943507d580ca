import { CoordinatorCallError, confirmModel } from '@syndicate/participant';
import {
  buildScoreHistogram,
  decodeFeatureStats,
  decodeSampleCount,
  encodeSplitEvaluation,
  encodeFloat32,
  encodeWeightedDelta,
  seededRandom,
  type ContributionKind,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { waitFor } from '../support/agent-process';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { uploadSigned } from '../support/signed-contribution';
import { lightSecureRound, type LightMember, type LightSecureRound } from '../support/light-secure-round';

const BINS = 1000;
const planInput: TrainingPlanInput = {
  name: 'sum-release',
  schema: { features: [{ name: 'x', type: 'numeric', standardize: 'federated' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  // Also the evaluation's deadline, which bank-d and bank-e make it wait for.
  rounds: { minParticipants: 3, maxParticipants: 8, deadlineSeconds: 20 },
  aggregation: { mode: 'secure', secure: { clip: 1 } },
  evaluation: { bins: BINS },
};
const NUM_PARAMS = 2;
/** Each bank's own row count: figures that must never reach a non-contributor or the audit log. */
const ROWS: Record<string, number> = { 'bank-a': 5011, 'bank-b': 3023, 'bank-c': 2039, 'bank-d': 1049, 'bank-e': 997 };
const momentsOf = (n: number) => ({ count: [n], sum: [n * 0.5], sumSquares: [n * 0.75] });

/** What the coordinator answers a member asking for a sum: its contributor count, or the refusal's reason. */
const fetch = (m: LightMember, roundId: string, kind: ContributionKind) =>
  m.client.downloadAggregate(roundId, kind).then(
    (sum) => ({ contributors: sum.contributors, data: sum.data }),
    (err: unknown) => {
      if (err instanceof CoordinatorCallError) return err.reason;
      throw err;
    },
  );

/**
 * Five members hold the key epoch. bank-a, b and c send everything; bank-d counts but sends no
 * statistics, no update and no histogram; bank-e sends nothing. Each sum goes only to the members
 * whose contribution of that kind is in it: anyone else could learn the contributors' total (and,
 * with a sum of its own, another bank's figure by subtraction).
 */
describe(`sums go only to their contributors (${testDatabaseKind()})`, () => {
  let h: Harness;
  let r: LightSecureRound | undefined;
  afterAll(async () => {
    r?.close();
    await h?.stop();
  });

  it('serves the count, statistics, model and evaluation sums to contributors and refuses everyone else by name', async () => {
    h = await startHarness('sum-release', { tickMs: 100 });
    r = await lightSecureRound(
      h,
      planInput,
      Object.entries(ROWS).map(([name, n]) => [name, n]),
      {
        // A quarter is for counts: bank-e never counts, so counting runs to its deadline (10 s leaves a loaded
        // machine time to encrypt four counts); bank-d never sends its update, so collecting runs to the end.
        deadlineSeconds: 40,
        abstain: ['bank-e'],
        stats: (name, n) => (name === 'bank-d' ? undefined : momentsOf(n)),
      },
    );
    const [a, b, c, d, e] = r.members;
    const roundId = r.train.roundId;
    const { holder, spec, keyEpoch } = r;

    // Sample counts: bank-a..d counted; bank-e did not.
    const count = await fetch(a, roundId, 'count');
    expect(typeof count).toBe('object');
    if (typeof count === 'string') throw new Error(count);
    expect(count.contributors).toBe(4);
    expect(decodeSampleCount(holder.decrypt(count.data), spec)).toBe(5011 + 3023 + 2039 + 1049);
    expect(await fetch(d, roundId, 'count')).toMatchObject({ contributors: 4 });
    expect(await fetch(e, roundId, 'count')).toBe('NOT_A_CONTRIBUTOR');

    // Feature statistics: bank-a..c sent them; bank-d counted but sent none, bank-e nothing.
    const stats = await fetch(b, roundId, 'stats');
    if (typeof stats === 'string') throw new Error(stats);
    expect(stats.contributors).toBe(3);
    const moments = decodeFeatureStats(holder.decrypt(stats.data), 1, spec);
    expect(moments.count).toEqual([5011 + 3023 + 2039]);
    expect(await fetch(d, roundId, 'stats')).toBe('NOT_A_CONTRIBUTOR');
    expect(await fetch(e, roundId, 'stats')).toBe('NOT_A_CONTRIBUTOR');

    // The decrypted moments reported back: the audit entry carries consortium totals and how many banks, no bank's own.
    // Recorded once two members report the same moments (one alone could impose its own scaling).
    for (const m of [a, b])
      await m.client.submitStandardization(
        roundId,
        JSON.stringify({ count: moments.count, sum: moments.sum, sumSquares: moments.sumSquares }),
        keyEpoch,
      );
    const standardized = (await h.admin.audit({ federationId: r.federationId })).filter(
      (x) => x.action === 'preprocessing.standardized',
    );
    expect(standardized).toHaveLength(1);
    expect(JSON.parse(standardized[0].detail)).toEqual({
      round: 1,
      features: ['x'],
      consortiumCounts: [5011 + 3023 + 2039],
      contributors: 3,
    });
    for (const n of Object.values(ROWS)) expect(standardized[0].detail).not.toContain(String(n));

    // Model updates from bank-a..c; bank-d was counted and is awaited until the deadline.
    const rand = seededRandom(3);
    const total = 5011 + 3023 + 2039 + 1049;
    for (const m of [a, b, c]) {
      await uploadSigned(m, r, {
        roundId,
        baseModelVersionId: r.train.modelVersionId,
        kind: 'model',
        payload: holder.encrypt(encodeWeightedDelta([0.1, -0.1], m.n / total, spec, rand).fields),
        numParams: NUM_PARAMS,
      });
    }
    expect(await fetch(a, roundId, 'model')).toBe('AGGREGATE_NOT_READY');
    await a.inbox.next('TASK_TYPE_APPLY', 60_000);
    expect(await fetch(c, roundId, 'model')).toMatchObject({ contributors: 3 });
    expect(await fetch(d, roundId, 'model')).toBe('NOT_A_CONTRIBUTOR');
    expect(await fetch(e, roundId, 'model')).toBe('NOT_A_CONTRIBUTOR');

    // Published by a contributor; the evaluation sum holds bank-a..c's histograms.
    const published = new Float32Array([0.1, -0.1]);
    expect(
      await a.client.publishModel({
        roundId,
        baseModelVersionId: r.train.modelVersionId,
        encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
        numParams: NUM_PARAMS,
        payload: Buffer.from(encodeFloat32(published)),
        keyEpoch,
      }),
    ).toBe(''); // held until another member confirms it
    const confirm = (m: LightMember) =>
      confirmModel(m.identity, { roundId, keyEpoch, baseModelVersionId: r.train.modelVersionId, payload: published });
    expect(await confirm(a)).toBe('');
    const modelVersionId = await confirm(b);
    expect(modelVersionId).not.toBe('');
    for (const [i, m] of [a, b, c].entries()) {
      const evaluate = await m.inbox.next('TASK_TYPE_EVALUATE', 30_000);
      const scores = Array.from({ length: 100 }, (_, k) => ((k * 37 + i * 11) % 100) / 100);
      const histogram = buildScoreHistogram(
        scores,
        scores.map((s) => (s > 0.6 ? 1 : 0)),
        BINS,
      );
      await uploadSigned(m, r, {
        roundId: evaluate.roundId,
        baseModelVersionId: modelVersionId,
        kind: 'evaluation',
        payload: holder.encrypt(encodeSplitEvaluation({ validation: histogram, test: histogram }, spec)),
      });
    }
    // bank-d and bank-e hold the key epoch but send no histogram: the sum is final at the evaluation deadline.
    await waitFor(
      'evaluation sum final',
      async () => (await h.admin.evaluation(modelVersionId)).state !== 'collecting',
      60_000,
    );
    expect(await fetch(b, roundId, 'evaluation')).toMatchObject({ contributors: 3 });
    expect(await fetch(d, roundId, 'evaluation')).toBe('NOT_A_CONTRIBUTOR');
    expect(await fetch(e, roundId, 'evaluation')).toBe('NOT_A_CONTRIBUTOR');
  });
});
