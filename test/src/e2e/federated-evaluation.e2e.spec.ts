import { confirmModel, CoordinatorCallError, type CoordinatorClient } from '@syndicate/participant';
import {
  buildScoreHistogram,
  decodeSplitEvaluation,
  DEFAULT_HE_PARAMETER_SET,
  encodeSplitEvaluation,
  encodeFloat32,
  encodeWeightedDelta,
  secureAggregationSpec,
  seededRandom,
  type ScoreHistogram,
  type Task__Output,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { apiSchemas } from '@syndicate/coordinator';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { waitFor } from '../support/agent-process';
import { enrolledClient } from '../support/light-agent';
import { lightSecureRound } from '../support/light-secure-round';
import { rawQuery } from '../support/raw-db';
import { uploadSigned } from '../support/signed-contribution';

const plan: TrainingPlanInput = {
  name: 'fed-eval',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
  rounds: { minParticipants: 2, maxParticipants: 100, deadlineSeconds: 3 },
};
// Plaintext rounds send the same integer fields members encrypt in secure ones.
const spec = secureAggregationSpec({ parameterSet: DEFAULT_HE_PARAMETER_SET, clip: 1, maxParticipants: 100 });

/** Seeds from 10 up stand for test rows: labels flipped, so their AUC is far from the validation rows'. */
const histogram = (seed: number) => {
  const scores = Array.from({ length: 200 }, (_, i) => ((i * 37 + seed * 11) % 200) / 200);
  const labels = scores.map((s, i) => (s + ((i * 7) % 10) / 20 > 0.7 ? 1 : 0));
  return buildScoreHistogram(scores, seed >= 10 ? labels.map((y) => 1 - y) : labels);
};

/** Runs one plaintext round with both members; returns the round and its published model. */
async function publishedRound(
  h: Harness,
  fedId: string,
  members: CoordinatorClient[],
  numParams: number,
  deadlineSeconds = 60,
) {
  const round = await h.admin.openRound(fedId, { deadlineSeconds });
  await waitFor('collecting', async () => (await h.admin.round(round.id)).state === 'collecting');
  for (const c of members) {
    await c.uploadUpdate({
      roundId: round.id,
      baseModelVersionId: round.baseModelVersionId,
      encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams,
      numSamples: 10,
      payload: encodeFloat32(new Float32Array(numParams).fill(0.5)),
    });
  }
  return waitFor('published', async () => {
    const r = await h.admin.round(round.id);
    return r.state === 'published' && r;
  });
}

const sendHistogram = (c: CoordinatorClient, roundId: string, modelVersionId: string, seed: number) => {
  // Validation rows' histogram, then test rows' (another seed, so the two differ).
  const fields = encodeSplitEvaluation({ validation: histogram(seed), test: histogram(seed + 10) }, spec);
  return c.uploadUpdate({
    roundId,
    baseModelVersionId: modelVersionId,
    encoding: 'PAYLOAD_ENCODING_UINT32_LE',
    numParams: 0,
    numSamples: 0,
    payload: Buffer.from(fields.buffer),
    kind: 'evaluation',
  });
};

const toWire = (h: ScoreHistogram) => ({
  bins: h.bins,
  negatives: Array.from(h.negatives),
  positives: Array.from(h.positives),
  sumSquaredError: h.sumSquaredError,
  sumLogLoss: h.sumLogLoss,
});
const wire = (seed: number) => toWire(histogram(seed));

/** The same evaluation in a secure round with pairwise masking: histograms are masked like every other sum. */
const maskedPlan: TrainingPlanInput = {
  ...plan,
  name: 'fed-eval-masked',
  rounds: { minParticipants: 3, maxParticipants: 8, deadlineSeconds: 30 },
  aggregation: { mode: 'secure', secure: { clip: 1, masking: { enabled: true } } },
};

/** The issues the documented response schema finds in a body as the API returned it (none expected). */
const driftFrom = (schema: { safeParse(body: unknown): { error?: { issues: unknown[] } } }, body: unknown) =>
  schema.safeParse(body).error?.issues ?? [];

describe(`federated evaluation at the coordinator (${testDatabaseKind()})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('fed-eval', { tickMs: 100 });
  });
  afterAll(async () => h?.stop());

  it('a single bank’s histograms are never revealed: with one contributor at the deadline the evaluation fails and the model stays published', async () => {
    const f = await h.admin.createFederation({ ...plan, name: 'fed-eval-short' });
    const [a, b] = [await enrolledClient(h, f.id, 'bank-a'), await enrolledClient(h, f.id, 'bank-b')];
    const round = await publishedRound(h, f.id, [a.client, b.client], f.numParams);
    await sendHistogram(a.client, round.id, round.resultModelVersionId!, 1);
    const ev = await waitFor(
      'evaluation closed',
      async () => {
        const e = await h.admin.evaluation(round.resultModelVersionId!);
        return e.state !== 'collecting' && e;
      },
      30_000,
    );
    expect(ev.state).toBe('failed');
    expect(ev.failureReason).toMatch(/1 of 2 required evaluation histograms/);
    expect(ev.metrics).toBeNull();
    expect(driftFrom(apiSchemas.evaluationViewSchema, ev)).toEqual([]);
    // Nobody can read the lone histogram back out.
    const err = await a.client.downloadAggregate(round.id, 'evaluation').catch((e: unknown) => e);
    expect((err as CoordinatorCallError).reason).toBe('AGGREGATE_NOT_READY');
    expect((await h.admin.round(round.id)).state).toBe('published');
    expect(
      (await h.admin.audit({ federationId: f.id })).some(
        (e) => e.action === 'evaluation.failed' && e.subject === round.resultModelVersionId,
      ),
    ).toBe(true);
  });

  it('sums histograms, records figures only once two members decrypted the same, and refuses (and audits) a different report', async () => {
    const f = await h.admin.createFederation({ ...plan, name: 'fed-eval-report' });
    const [a, b, outsider] = [
      await enrolledClient(h, f.id, 'bank-a'),
      await enrolledClient(h, f.id, 'bank-b'),
      await enrolledClient(h, f.id, 'bank-c'),
    ];
    // The third member never trains: the round closes at its deadline with two.
    const round = await publishedRound(h, f.id, [a.client, b.client], f.numParams, 3);
    const model = round.resultModelVersionId!;
    // A histogram scored with another model, or sent twice, is refused.
    expect(
      (
        (await sendHistogram(a.client, round.id, round.baseModelVersionId, 1).catch(
          (e: unknown) => e,
        )) as CoordinatorCallError
      ).reason,
    ).toBe('WRONG_MODEL');
    await sendHistogram(a.client, round.id, model, 1);
    expect(
      ((await sendHistogram(a.client, round.id, model, 1).catch((e: unknown) => e)) as CoordinatorCallError).reason,
    ).toBe('DUPLICATE_EVALUATION');
    await sendHistogram(b.client, round.id, model, 2);
    // The third member sends nothing: the sum closes at the deadline with two.
    await waitFor(
      'evaluation decrypting',
      async () => (await h.admin.evaluation(model)).state === 'decrypting',
      30_000,
    );
    const sum = await a.client.downloadAggregate(round.id, 'evaluation');
    expect(sum).toMatchObject({ contributors: 2, encoding: 'PAYLOAD_ENCODING_FLOAT64_LE' });
    // Only members whose histograms are in the sum may read or report it.
    expect(
      (
        (await outsider.client
          .downloadAggregate(round.id, 'evaluation')
          .catch((e: unknown) => e)) as CoordinatorCallError
      ).reason,
    ).toBe('NOT_A_CONTRIBUTOR');

    const sumOf = (x: ReturnType<typeof wire>, y: ReturnType<typeof wire>) => ({
      ...x,
      negatives: x.negatives.map((c, i) => c + y.negatives[i]),
      positives: x.positives.map((c, i) => c + y.positives[i]),
      sumSquaredError: x.sumSquaredError + y.sumSquaredError,
      sumLogLoss: x.sumLogLoss + y.sumLogLoss,
    });
    const summed = sumOf(wire(1), wire(2));
    const test = sumOf(wire(11), wire(12));
    // A malformed report lists its problems and changes nothing.
    const bad = await a.client
      .submitEvaluation(
        round.id,
        model,
        2,
        { validation: { ...summed, negatives: summed.negatives.slice(1), sumLogLoss: -1 }, test },
        0,
      )
      .catch((e: unknown) => e);
    expect((bad as CoordinatorCallError).reason).toBe('BAD_HISTOGRAM');
    expect((bad as Error).message).toMatch(
      new RegExp(`validation: negatives has ${summed.bins - 1} counts, expected ${summed.bins}`),
    );
    expect((await h.admin.evaluation(model)).state).toBe('decrypting');

    await a.client.submitEvaluation(round.id, model, 2, { validation: summed, test }, 0);
    // One member's word records nothing: the figures count once a second member decrypted the same.
    const alone = await h.admin.evaluation(model);
    expect(alone.state).toBe('decrypting');
    expect(alone.metrics).toBeNull();
    // The same validation histogram with a different test histogram is a different report.
    const swapped = await b.client
      .submitEvaluation(round.id, model, 2, { validation: summed, test: summed }, 0)
      .catch((e: unknown) => e);
    expect((swapped as CoordinatorCallError).reason).toBe('EVALUATION_MISMATCH');
    expect((await h.admin.evaluation(model)).state).toBe('decrypting');
    await b.client.submitEvaluation(round.id, model, 2, { validation: summed, test }, 0);
    const ev = await h.admin.evaluation(model);
    expect(ev.state).toBe('complete');
    expect(ev.confirmations).toBe(1);
    expect(ev.metrics!.numExamples).toBe(400);
    expect(ev.metrics!.rocAuc).toBeGreaterThan(0.5);
    // The bodies a client gets for a published, evaluated round match the OpenAPI response schemas.
    expect(driftFrom(apiSchemas.evaluationViewSchema, ev)).toEqual([]);
    const published = await h.admin.round(round.id);
    expect(published.contributors).toHaveLength(2);
    expect(published.evaluation?.metrics?.numExamples).toBe(400);
    expect(driftFrom(apiSchemas.roundViewSchema, published)).toEqual([]);
    expect(driftFrom(apiSchemas.evaluationListSchema, await h.admin.evaluations(f.id))).toEqual([]);
    // The test rows' figures are their own: a different histogram, a different AUC.
    expect(ev.test!.numExamples).toBe(400);
    expect(ev.test!.rocAuc).toBeLessThan(0.5);
    // The first evaluated version is the champion, and `champion` resolves to it.
    expect(ev.promotedAt).not.toBeNull();
    expect((await h.admin.selection(f.id)).championModel?.id).toBe(model);

    const lie = { ...summed, positives: summed.positives.map((x, i) => (i === 999 ? x + 5 : x)) };
    const refused = await b.client
      .submitEvaluation(round.id, model, 2, { validation: lie, test }, 0)
      .catch((e: unknown) => e);
    expect((refused as CoordinatorCallError).reason).toBe('EVALUATION_MISMATCH');
    expect((await h.admin.evaluation(model)).metrics!.numExamples).toBe(400);
    const audit = await h.admin.audit({ federationId: f.id });
    expect(
      audit.filter((e) => e.action === 'evaluation.mismatch' && e.actor === b.identity.participantId),
    ).toHaveLength(2);
    expect(audit.filter((e) => e.action === 'model.promoted' && e.subject === model)).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'evaluation.complete')).toHaveLength(1);
  });

  it('masked: each bank’s histograms are noise to the epoch key alone; the three banks remove the masks together and the figures are recorded', async () => {
    const r = await lightSecureRound(h, maskedPlan, [
      ['bank-a', 10],
      ['bank-b', 20],
      ['bank-c', 30],
    ]);
    try {
      const roundId = r.train.roundId;
      const at = { roundId, keyEpoch: r.keyEpoch };
      const base = r.train.modelVersionId;
      for (const m of r.members) {
        const fields = encodeWeightedDelta([0.1, -0.1], m.n / 60, r.spec, seededRandom(m.n)).fields;
        const payload = await r.seal(m, at, 'model', fields);
        await uploadSigned(m, r, { roundId, baseModelVersionId: base, kind: 'model', payload, numParams: 2 });
      }
      // The publisher's model, confirmed by another member (nobody needs to open the model sum here).
      const applies: Task__Output[] = [];
      for (const m of r.members) applies.push(await m.inbox.next('TASK_TYPE_APPLY', 30_000));
      const weights = new Float32Array([0.1, -0.1]);
      const publisher =
        r.members[
          Math.max(
            0,
            applies.findIndex((t) => t.publisher),
          )
        ];
      await publisher.client.publishModel({
        roundId,
        baseModelVersionId: base,
        encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
        numParams: 2,
        payload: Buffer.from(encodeFloat32(weights)),
        keyEpoch: r.keyEpoch,
      });
      let model = '';
      for (const m of r.members)
        model ||= await confirmModel(m.identity, {
          roundId,
          keyEpoch: r.keyEpoch,
          baseModelVersionId: base,
          payload: weights,
        });
      expect(model).not.toBe('');

      // Every bank scores the model and sends its histograms masked with the others' advertised keys.
      const sent = r.members.map((_, i) =>
        encodeSplitEvaluation({ validation: histogram(i + 1), test: histogram(i + 11) }, r.spec),
      );
      const sealed: Buffer[] = [];
      for (const [i, m] of r.members.entries()) {
        await m.inbox.next('TASK_TYPE_EVALUATE', 30_000);
        sealed.push(await r.seal(m, at, 'evaluation', sent[i], r.members));
        await uploadSigned(m, r, { roundId, baseModelVersionId: model, kind: 'evaluation', payload: sealed[i] });
      }
      // Anyone holding the epoch key (a member, or the coordinator with one) reads noise from one bank's part.
      const one = Array.from(r.holder.decrypt(sealed[0], 'update'));
      expect(one.filter((x, j) => x === sent[0][j]).length).toBeLessThan(one.length / 100);

      // Every evaluator sent: the sum is final at once, and its three contributors open it together.
      for (const m of r.members) await m.inbox.next('TASK_TYPE_EVALUATION_RESULT', 30_000);
      // A re-send after the sum closed (its answer lost) is settled, as without masking: not a masking refusal.
      const again = await uploadSigned(r.members[0], r, {
        roundId,
        baseModelVersionId: model,
        kind: 'evaluation',
        payload: sealed[0],
      }).catch((e: unknown) => e);
      expect((again as CoordinatorCallError).reason).toBe('DUPLICATE_EVALUATION');
      const sum = await r.members[0].client.downloadAggregate(roundId, 'evaluation');
      expect(sum.contributors).toBe(3);
      const opened = await r.open(r.members, at, 'evaluation', sum.data);
      const exact = Array.from(sent[0], (x, j) => x + sent[1][j] + sent[2][j]);
      expect(opened.map((o) => o.filter((x, j) => x !== exact[j]).length)).toEqual([0, 0, 0]);
      const decoded = decodeSplitEvaluation(opened[0], histogram(1).bins, r.spec);
      const report = { validation: toWire(decoded.validation), test: toWire(decoded.test) };
      for (const m of r.members.slice(0, 2)) await m.client.submitEvaluation(roundId, model, 3, report, r.keyEpoch);
      const ev = await h.admin.evaluation(model);
      expect({ state: ev.state, validation: ev.metrics?.numExamples, test: ev.test?.numExamples }).toEqual({
        state: 'complete',
        validation: 600,
        test: 600,
      });
      const [session] = await rawQuery(
        h.databaseUrl,
        `SELECT "state", "threshold" FROM "mask_sessions" WHERE "roundId" = ? AND "kind" = 'evaluation'`,
        [roundId],
      );
      expect({ state: session.state, threshold: Number(session.threshold) }).toEqual({
        state: 'confirming',
        threshold: 3,
      });
    } finally {
      r.close();
    }
  });
});
