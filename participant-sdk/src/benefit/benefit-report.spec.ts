import * as path from 'path';
import { exactMetrics, initialWeights, readPlanFile, type TrainingPlan } from '@syndicate/protocol';
import { loadCsvDataset, type Dataset } from '../data/csv-dataset';
import { splitHoldout } from '../data/holdout-split';
import { predict } from '../evaluation/metrics';
import { trainLocal } from '../training/local-trainer';
import { metricGain, runBenefit } from './benefit-report';
import { poolDatasets } from './centralized-baseline';
import { trainRounds, type TrainRoundsOptions } from './local-rounds';

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

  it("trains on the agent's training rows and scores the global model on exactly the agent's holdout", async () => {
    const seen: TrainRoundsOptions[] = [];
    const report = await runBenefit({
      plan,
      data: baltic,
      globalWeights: global,
      rounds: 2,
      trainer: async (o) => {
        seen.push(o);
        return initialWeights(plan);
      },
    });
    const { train, holdout } = agentHoldout(baltic);
    expect(seen).toHaveLength(1);
    expect(seen[0].rounds).toBe(2);
    expect(seen[0].data.features).toEqual(train.features);
    expect(seen[0].data.labels).toEqual(train.labels);
    expect(report.trainExamples).toBe(train.rows);
    expect(report.holdoutExamples).toBe(holdout.rows);
    // The figures the agent's federated evaluation computes locally for this bank (participant-agent evaluate()).
    expect(report.global).toEqual(exactMetrics(await predict(plan, global, holdout), holdout.labels));
    expect(report.local_only).toEqual(exactMetrics(await predict(plan, initialWeights(plan), holdout), holdout.labels));
    expect(report.gain).toEqual(metricGain(report.local_only, report.global));
    expect(report.gain.auc).toBeCloseTo(report.global.rocAuc - report.local_only.rocAuc, 12);
  });

  it('trains a local-only model that differs from the global one', async () => {
    const report = await runBenefit({ plan, data: baltic, globalWeights: global, rounds: 1 });
    expect(report.rounds).toBe(1);
    expect(report.local_only.numExamples).toBe(report.global.numExamples);
    expect(report.local_only.brier).not.toBe(report.global.brier);
    expect(report.local_only.rocAuc).not.toBe(report.global.rocAuc);
    expect(report.gain.ks).toBe(report.global.ks - report.local_only.ks);
  });

  it("with federated scaling, trains the bank alone under its own scaling and scores the global model under the consortium's", async () => {
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
    const seen: TrainRoundsOptions[] = [];
    const report = await runBenefit({
      plan: consortium,
      data,
      local: { plan: own, data: ownData },
      globalWeights: global,
      rounds: 1,
      trainer: async (o) => {
        seen.push(o);
        return initialWeights(plan);
      },
    });
    expect(seen[0].plan).toBe(own);
    expect(seen[0].data.features).toEqual(agentHoldout(ownData).train.features);
    const { holdout } = agentHoldout(data);
    expect(report.global.rocAuc).toBe(exactMetrics(await predict(consortium, global, holdout), holdout.labels).rocAuc);
    await expect(
      runBenefit({
        plan: consortium,
        data,
        local: { plan: own, data: agentHoldout(ownData).train },
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
