import type { CoordinatorClient } from '@syndicate/participant';
import {
  buildScoreHistogram,
  DEFAULT_HE_PARAMETER_SET,
  encodeFloat32,
  encodeSplitEvaluation,
  secureAggregationSpec,
  type ScoreHistogram,
  type TrainingPlanInput,
} from '@syndicate/protocol';
import { startHarness, type Harness } from '../support/coordinator-harness';
import { testDatabaseKind } from '../support/database';
import { waitFor } from '../support/agent-process';
import { enrolledClient } from '../support/light-agent';

const plan: TrainingPlanInput = {
  name: 'selection',
  schema: { features: [{ name: 'x', type: 'numeric' }], target: { name: 'y' } },
  model: { template: 'logistic_regression' },
  aggregation: { mode: 'plaintext' },
  rounds: { minParticipants: 2, maxParticipants: 100, deadlineSeconds: 30 },
  selection: { metric: 'auc', patience: 2, minImprovement: 0.001, promotionMargin: 0.002 },
  evaluation: { bins: 1000 },
};
const spec = secureAggregationSpec({ parameterSet: DEFAULT_HE_PARAMETER_SET, clip: 1, maxParticipants: 100 });

/** Scores whose positives sit `separation` above the negatives: the larger, the higher the AUC. */
function scored(separation: number): ScoreHistogram {
  const neg = Array.from({ length: 200 }, (_, i) => (i / 200) * (1 - separation));
  const pos = Array.from({ length: 50 }, (_, i) => separation + (i / 50) * (1 - separation));
  return buildScoreHistogram([...neg, ...pos], [...neg.map(() => 0), ...pos.map(() => 1)], 1000);
}

const wire = (h: ScoreHistogram) => ({
  bins: h.bins,
  negatives: Array.from(h.negatives, (c) => 2 * c),
  positives: Array.from(h.positives, (c) => 2 * c),
  sumSquaredError: 2 * h.sumSquaredError,
  sumLogLoss: 2 * h.sumLogLoss,
});

/**
 * One round as an over-large learning rate plays it out: members train, publish, and score the
 * new model; `separation` stands for how good that model is on the validation rows.
 */
async function round(h: Harness, fedId: string, members: CoordinatorClient[], numParams: number, separation: number) {
  const opened = await h.admin.openRound(fedId);
  await waitFor('collecting', async () => (await h.admin.round(opened.id)).state === 'collecting');
  for (const c of members)
    await c.uploadUpdate({
      roundId: opened.id,
      baseModelVersionId: opened.baseModelVersionId,
      encoding: 'PAYLOAD_ENCODING_FLOAT32_LE',
      numParams,
      numSamples: 10,
      payload: encodeFloat32(new Float32Array(numParams).fill(separation)),
    });
  const published = await waitFor('published', async () => {
    const r = await h.admin.round(opened.id);
    return r.state === 'published' && r;
  });
  const model = published.resultModelVersionId!;
  const validation = scored(separation);
  const test = scored(separation / 2);
  for (const c of members) {
    const fields = encodeSplitEvaluation({ validation, test }, spec);
    await c.uploadUpdate({
      roundId: opened.id,
      baseModelVersionId: model,
      encoding: 'PAYLOAD_ENCODING_UINT32_LE',
      numParams: 0,
      numSamples: 0,
      payload: Buffer.from(fields.buffer),
      kind: 'evaluation',
    });
  }
  await waitFor('decrypting', async () => (await h.admin.evaluation(model)).state === 'decrypting', 30_000);
  // Figures are recorded once two members report the same decrypted sums.
  for (const m of members.slice(0, 2))
    await m.submitEvaluation(opened.id, model, 2, { validation: wire(validation), test: wire(test) }, 0);
  return h.admin.evaluation(model);
}

describe(`model selection: champion and early stopping (${testDatabaseKind()})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('selection', { tickMs: 100 });
  });
  afterAll(async () => h?.stop());

  it('keeps the earlier champion when later rounds get worse, stops after patience, and serves the champion by default', async () => {
    const f = await h.admin.createFederation(plan);
    const [a, b] = [await enrolledClient(h, f.id, 'bank-a'), await enrolledClient(h, f.id, 'bank-b')];
    const members = [a.client, b.client];
    // Round 2 is the best; rounds 3 and 4 drift down, as with a learning rate too large to settle.
    const r1 = await round(h, f.id, members, f.numParams, 0.1);
    const r2 = await round(h, f.id, members, f.numParams, 0.3);
    const r3 = await round(h, f.id, members, f.numParams, 0.2);
    const r4 = await round(h, f.id, members, f.numParams, 0.15);
    expect(r2.metrics!.rocAuc).toBeGreaterThan(r1.metrics!.rocAuc + 0.002);
    expect(r3.metrics!.rocAuc).toBeLessThan(r2.metrics!.rocAuc);
    expect([r1, r2, r3, r4].map((e) => e.promotedAt !== null)).toEqual([true, true, false, false]);
    // Validation and test are different rows: different figures.
    expect(r2.test!.rocAuc).toBeLessThan(r2.metrics!.rocAuc);

    const selection = await h.admin.selection(f.id);
    expect(selection.champion?.roundNumber).toBe(2);
    expect(selection.best?.roundNumber).toBe(2);
    expect(selection).toMatchObject({ roundsWithoutImprovement: 2, stopped: true });
    expect(selection.championModel?.id).toBe(r2.modelVersionId);

    // Patience ran out: no fifth round, with a reason that says what to do.
    const refused = await h.admin.openRound(f.id).catch((e: unknown) => e);
    expect(refused).toMatchObject({ reason: 'EARLY_STOPPED' });
    expect((refused as Error).message).toMatch(/best round 2.*selection\.patience/);

    // A member's pull serves the champion unless it asks for the latest.
    expect((await a.client.downloadModel('champion')).modelVersionId).toBe(r2.modelVersionId);
    expect((await a.client.downloadModel('latest')).modelVersionId).toBe(r4.modelVersionId);
    const audit = await h.admin.audit({ federationId: f.id });
    expect(
      audit
        .filter((e) => e.action === 'model.promoted')
        .map((e) => e.subject)
        .sort(),
    ).toEqual([r1.modelVersionId, r2.modelVersionId].sort());
  });
});
