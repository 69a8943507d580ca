import { CoordinatorCallError, type CoordinatorClient } from '@syndicate/participant';
import {
  buildScoreHistogram,
  DEFAULT_HE_PARAMETER_SET,
  encodeSplitEvaluation,
  encodeFloat32,
  secureAggregationSpec,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { apiSchemas } from '@syndicate/coordinator';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { waitFor } from '../support/agent-process';
import { enrolledClient } from '../support/light-agent';

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

const wire = (seed: number) => {
  const h = histogram(seed);
  return {
    bins: h.bins,
    negatives: Array.from(h.negatives),
    positives: Array.from(h.positives),
    sumSquaredError: h.sumSquaredError,
    sumLogLoss: h.sumLogLoss,
  };
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
});
