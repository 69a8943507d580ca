import * as fs from 'fs';
import * as path from 'path';
import {
  exactMetrics,
  initialWeights,
  readPlanFile,
  type NumericFeatureSpec,
  type TrainingPlan,
} from '@syndicate/protocol';
import { loadCsvDataset, type Dataset } from '../data/csv-dataset';
import { holdoutMask, splitHoldout, splitValidationTest } from '../data/holdout-split';
import { predict } from '../evaluation/metrics';
import { poolDatasets, runCentralizedBaseline, summarize, type BaselineFitter } from './centralized-baseline';

const FIXTURES = path.join(__dirname, 'fixtures');
const plan: TrainingPlan = readPlanFile(path.join(FIXTURES, 'plan.json'));
const NAMES = ['alpine', 'cascade', 'delta'];
const banks = NAMES.map((name) => ({ name, file: path.join(FIXTURES, `${name}.csv`) }));
const agentSplitOf = async (file: string, p: TrainingPlan = plan) => {
  const { train, holdout } = splitHoldout(await loadCsvDataset(file, p.schema), p.holdout.fraction, p.holdout.seed);
  return { train, holdout, ...splitValidationTest(holdout, p.holdout.validationFraction, p.holdout.seed) };
};

type FitCall = Parameters<BaselineFitter>[0];

/** Records what each fit was given and returns the plan's initial weights. */
function spyTrainer() {
  const calls: FitCall[] = [];
  const trainer: BaselineFitter = async (o) => {
    calls.push(o);
    return {
      weights: initialWeights(o.plan),
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
  return { calls, trainer };
}

const rowsOf = (d: Dataset) =>
  Array.from(
    { length: d.rows },
    (_, i) => `${Array.from(d.features.subarray(i * d.inputDim, (i + 1) * d.inputDim)).join(',')}|${d.labels[i]}`,
  );

describe('runCentralizedBaseline', () => {
  beforeAll(() => {
    process.env.SYNDICATE_TF_BACKEND = 'cpu';
  });

  it("pools exactly the union of the banks' training rows under the agent's split, validates on their validation rows", async () => {
    const spy = spyTrainer();
    const r = await runCentralizedBaseline({ plan, banks, rounds: 3, fitter: spy.trainer });
    const splits = await Promise.all(banks.map((b) => agentSplitOf(b.file)));
    expect(spy.calls).toHaveLength(1);
    const pooled = spy.calls[0].train;
    expect(spy.calls[0].maxRounds).toBe(3);
    expect(spy.calls[0].validation.labels).toEqual(poolDatasets(splits.map((s) => s.validation)).labels);
    expect(pooled.features).toEqual(poolDatasets(splits.map((s) => s.train)).features);
    expect(pooled.labels).toEqual(poolDatasets(splits.map((s) => s.train)).labels);
    // Every file row is in the pool or in a holdout, exactly once.
    const all = (await Promise.all(banks.map((b) => loadCsvDataset(b.file, plan.schema)))).flatMap(rowsOf).sort();
    expect([...rowsOf(pooled), ...splits.flatMap((s) => rowsOf(s.holdout))].sort()).toEqual(all);
    expect(r.centralized.trainExamples).toBe(splits.reduce((n, s) => n + s.train.rows, 0));
    expect(r.centralized.holdoutExamples).toBe(splits.reduce((n, s) => n + s.test.rows, 0));
  });

  it("scores the pooled model on each bank's test rows and on all of them together", async () => {
    const spy = spyTrainer();
    const r = await runCentralizedBaseline({ plan, banks, rounds: 1, fitter: spy.trainer });
    const w = initialWeights(plan);
    const splits = await Promise.all(banks.map((b) => agentSplitOf(b.file)));
    expect(Object.keys(r.banks)).toEqual(NAMES);
    for (const [i, name] of NAMES.entries()) {
      const h = splits[i].test;
      expect(r.banks[name]).toEqual({
        trainExamples: splits[i].train.rows,
        ...summarize(exactMetrics(await predict(plan, w, h), h.labels)),
      });
      expect(r.banks[name].local_only).toBeUndefined();
    }
    const pooledHoldout = poolDatasets(splits.map((s) => s.test));
    expect(r.centralized).toMatchObject(
      summarize(exactMetrics(await predict(plan, w, pooledHoldout), pooledHoldout.labels)),
    );
    expect(JSON.parse(JSON.stringify(r)).centralized).toEqual(
      expect.objectContaining({
        auc: expect.any(Number),
        ks: expect.any(Number),
        gini: expect.any(Number),
        brier: expect.any(Number),
      }),
    );
  });

  it("with localOnly, trains each bank on its own training rows and reports it beside the pooled model's", async () => {
    const spy = spyTrainer();
    const r = await runCentralizedBaseline({ plan, banks, rounds: 2, localOnly: true, fitter: spy.trainer });
    expect(spy.calls).toHaveLength(1 + banks.length);
    for (const [i, b] of banks.entries()) {
      const { train } = await agentSplitOf(b.file);
      expect(spy.calls[1 + i].train.features).toEqual(train.features);
      expect(spy.calls[1 + i].maxRounds).toBe(2);
      expect(r.banks[b.name].local_only).toEqual(
        expect.objectContaining({
          auc: expect.anything(),
          ks: expect.anything(),
          holdoutExamples: r.banks[b.name].holdoutExamples,
        }),
      );
    }
  });

  it('trains for real: the pooled and a local-only model differ', async () => {
    const r = await runCentralizedBaseline({ plan, banks: banks.slice(0, 2), rounds: 1, localOnly: true });
    expect(r.banks.alpine.brier).not.toBe(r.banks.alpine.local_only!.brier);
    expect(r.centralized.holdoutExamples).toBe(r.banks.alpine.holdoutExamples + r.banks.cascade.holdoutExamples);
  });

  it('standardizes federated features with the pooled moments, and each bank alone with its own', async () => {
    const federated: TrainingPlan = {
      ...plan,
      schema: {
        ...plan.schema,
        features: plan.schema.features.map((f) =>
          f.name === 'age' ? { ...f, standardize: 'federated' as const, center: 0, scale: 1 } : f,
        ),
      },
    };
    const spy = spyTrainer();
    await runCentralizedBaseline({ plan: federated, banks, rounds: 1, localOnly: true, fitter: spy.trainer });
    // Training rows only: the holdout the models are scored on never shapes the scaling.
    const ages = (file: string) => {
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n').slice(1);
      const held = holdoutMask(lines.length, plan.holdout.fraction, plan.holdout.seed);
      return lines.filter((_, i) => !held[i]).map((line) => Number(line.split(',')[5]));
    };
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const centerOf = (p: TrainingPlan) =>
      (p.schema.features.find((f) => f.name === 'age') as NumericFeatureSpec).center;
    expect(centerOf(spy.calls[0].plan)).toBeCloseTo(mean(banks.flatMap((b) => ages(b.file))), 9);
    expect(centerOf(spy.calls[3].plan)).toBeCloseTo(mean(ages(banks[2].file)), 9);
  });

  it('refuses a bank named twice and an empty bank list', async () => {
    await expect(runCentralizedBaseline({ plan, banks: [banks[0], banks[0]], rounds: 1 })).rejects.toThrow(
      /named twice/,
    );
    await expect(runCentralizedBaseline({ plan, banks: [], rounds: 1 })).rejects.toThrow(/no banks/);
  });
});
