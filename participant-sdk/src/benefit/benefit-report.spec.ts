import * as path from 'path';
import { exactMetrics, initialWeights, readPlanFile, type TrainingPlan } from '@syndicate/protocol';
import { loadCsvDataset, type Dataset } from '../data/csv-dataset';
import { splitHoldout } from '../data/holdout-split';
import { predict } from '../evaluation/metrics';
import { trainLocal } from '../training/local-trainer';
import { metricGain, runBenefit } from './benefit-report';
import { agentRows } from './agent-holdout';
import { poolDatasets, type BaselineFitter } from './centralized-baseline';
import { trainRounds } from './local-rounds';

// Synthetic banks from examples' generate-data (--seed 5 --scale 0.05) and a small MLP plan.
const FIXTURES = path.join(__dirname, 'fixtures');
const plan: TrainingPlan = readPlanFile(path.join(FIXTURES, 'plan.json'));
const load = (bank: string) => loadCsvDataset(path.join(FIXTURES, `${bank}.csv`), plan.schema);

/** What agent-runner hands the agent: the split of the whole file by the plan's holdout settings. */
const agentHoldout = (ds: Dataset) => splitHoldout(ds, plan.holdout.fraction, plan.holdout.seed);

describe('runBenefit', () => {
  let baltic: Dataset;
  let global: Float32Array;

  beforeAll(async () => {
    process.env.SYNDICATE_TF_BACKEND = 'cpu';
    baltic = await load('baltic');
    // A stand-in consortium model: one round on every bank's rows.
    const all = await Promise.all(['alpine', 'baltic', 'cascade', 'delta'].map(load));
    global = await trainRounds({ plan, data: poolDatasets(all), rounds: 1 });
  });

  /** A fitter that records what it was given and returns fixed weights. */
  const spy = (weights: Float32Array) => {
    const seen: Parameters<BaselineFitter>[0][] = [];
    const fitter: BaselineFitter = async (o) => {
      seen.push(o);
      return {
        weights,
        fit: {
          method: 'early-stopping',
          rounds: 1,
          bestRound: 1,
          maxRounds: o.maxRounds,
          patience: 5,
          metric: 'auc',
          validation: null,
        },
      };
    };
    return { seen, fitter };
  };

  it("fits the local-only model on the agent's training rows (early stopping on its validation rows) and scores every model on its test rows", async () => {
    // Alpine's validation and test rows both hold defaults, so every figure is defined.
    const alpine = await load('alpine');
    const { seen, fitter } = spy(initialWeights(plan));
    const { report } = await runBenefit({ plan, data: alpine, globalWeights: global, rounds: 2, fitter });
    const rows = agentRows(plan, alpine);
    expect(seen).toHaveLength(1);
    expect(seen[0].maxRounds).toBe(2);
    expect(seen[0].train.features).toEqual(rows.train.features);
    expect(seen[0].validation.labels).toEqual(rows.validation.labels);
    expect(report.trainExamples).toBe(rows.train.rows);
    expect(report.testExamples).toBe(rows.test.rows);
    expect(report.validationExamples).toBe(rows.validation.rows);
    // The figures the agent's federated evaluation computes locally for this bank on its test rows.
    expect(report.global).toEqual(exactMetrics(await predict(plan, global, rows.test), rows.test.labels));
    expect(report.local_only).toEqual(
      exactMetrics(await predict(plan, initialWeights(plan), rows.test), rows.test.labels),
    );
    expect(report.gain).toEqual(metricGain(report.local_only, report.global));
    expect(report.personalizedGain).toEqual(metricGain(report.local_only, report.personalized));
    expect(report.gain.auc).toBeCloseTo(report.global.rocAuc - report.local_only.rocAuc, 12);
    expect(report.personalized.numExamples).toBe(rows.test.rows);
  });

  it('fits a real local-only model that differs from the global one', async () => {
    const { report } = await runBenefit({ plan, data: baltic, globalWeights: global, rounds: 1 });
    expect(report.rounds).toBe(1);
    expect(report.localFit.method).toBe('early-stopping');
    expect(report.local_only.numExamples).toBe(report.global.numExamples);
    expect(report.local_only.brier).not.toBe(report.global.brier);
    expect(report.gain.ks).toBe(report.global.ks - report.local_only.ks);
  });

  it("with federated scaling, fits the bank alone under its own scaling and scores the global model under the consortium's", async () => {
    const scaled = (center: number): TrainingPlan => ({
      ...plan,
      schema: {
        ...plan.schema,
        features: plan.schema.features.map((f) =>
          f.type === 'numeric' && f.name === 'age' ? { ...f, center, scale: 10 } : f,
        ),
      },
    });
    const consortium = scaled(40);
    const own = scaled(45);
    const data = await loadCsvDataset(path.join(FIXTURES, 'baltic.csv'), consortium.schema);
    const ownData = await loadCsvDataset(path.join(FIXTURES, 'baltic.csv'), own.schema);
    const { seen, fitter } = spy(initialWeights(plan));
    const { report, chosen } = await runBenefit({
      plan: consortium,
      data,
      local: { plan: own, data: ownData },
      globalWeights: global,
      rounds: 1,
      fitter,
    });
    expect(seen[0].plan).toBe(own);
    expect(seen[0].train.features).toEqual(agentRows(own, ownData).train.features);
    const { test } = agentRows(consortium, data);
    expect(report.global.rocAuc).toBe(exactMetrics(await predict(consortium, global, test), test.labels).rocAuc);
    expect(report.local_only.rocAuc).toBe(
      exactMetrics(await predict(own, initialWeights(plan), agentRows(own, ownData).test), test.labels).rocAuc,
    );
    if (chosen.localPlan) expect(chosen.localPlan).toBe(own);
    await expect(
      runBenefit({
        plan: consortium,
        data,
        local: { plan: own, data: agentRows(own, ownData).train },
        globalWeights: global,
        rounds: 1,
      }),
    ).rejects.toThrow(/must be the same file/);
  });

  it('refuses global weights that are not the plan model', async () => {
    await expect(runBenefit({ plan, data: baltic, globalWeights: new Float32Array(3), rounds: 1 })).rejects.toThrow(
      /global weights have 3 values/,
    );
  });
});

describe('trainRounds', () => {
  it('is the agent run by a federation of one: round r starts from round r-1 and is seeded with r', async () => {
    process.env.SYNDICATE_TF_BACKEND = 'cpu';
    const data = agentHoldout(await load('cascade')).train;
    const progress: number[] = [];
    const got = await trainRounds({ plan, data, rounds: 2, onRound: (p) => progress.push(p.round) });
    const r1 = await trainLocal({ plan, globalWeights: initialWeights(plan), data, seed: 1 });
    const r2 = await trainLocal({ plan, globalWeights: r1.weights, data, seed: 2 });
    expect(got).toEqual(r2.weights);
    expect(progress).toEqual([1, 2]);
  });

  it('refuses a round count that is not a positive integer', async () => {
    const data = { features: new Float32Array(16), labels: new Float32Array(1), rows: 1, inputDim: 16 };
    await expect(trainRounds({ plan, data, rounds: 0 })).rejects.toThrow(/positive integer/);
    await expect(trainRounds({ plan, data, rounds: 1.5 })).rejects.toThrow(/positive integer/);
  });
});
