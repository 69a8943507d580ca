import {
  exactMetrics,
  initialWeights,
  parseTrainingPlanJson,
  seededRandom,
  type TrainingPlan,
} from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { predict } from '../evaluation/metrics';
import { agentRows } from './agent-holdout';
import { fitBaseline } from './baseline-fit';
import { poolDatasets } from './centralized-baseline';
import { fitLogisticNewton } from './logistic-fit';
import { CLEAR_WIN_SHARE } from './clear-win';
import { BLEND_ALPHAS, blendScores, chooseModel, personalize, personalizedMetrics } from './personalize';

const FEATURES = 4;
const plan = (template: 'logistic_regression' | 'mlp'): TrainingPlan =>
  parseTrainingPlanJson(
    JSON.stringify({
      name: 'personalize-spec',
      seed: 11,
      schema: {
        features: Array.from({ length: FEATURES }, (_, i) => ({ name: `x${i}`, type: 'numeric' })),
        target: { name: 'default' },
      },
      model: template === 'mlp' ? { template, hiddenUnits: [6], activation: 'relu' } : { template },
      training: { epochs: 2, batchSize: 64, optimizer: 'adam', learningRate: 0.05 },
      aggregation: { mode: 'plaintext' },
      holdout: { fraction: 0.4, seed: 3 },
    }),
  );

/** A bank's rows: standard normal features, default with probability sigmoid(bias + coef . x). */
function bank(seed: number, rows: number, coef: number[], bias = -1.5): Dataset {
  const rand = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const features = new Float32Array(rows * FEATURES);
  const labels = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let z = bias;
    for (let j = 0; j < FEATURES; j++) {
      features[i * FEATURES + j] = normal();
      z += coef[j] * features[i * FEATURES + j];
    }
    labels[i] = rand() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { features, labels, rows, inputDim: FEATURES };
}

/** Four similar banks; their pooled fit stands in for the consortium's global model. */
function consortiumModel(p: TrainingPlan): Float32Array {
  const similar = [1, 2, 3, 4].map((s) => agentRows(p, bank(100 + s, 2000, [1.2, 0.8, 0, 0])).train);
  return Float32Array.from(fitLogisticNewton(poolDatasets(similar), { l2: p.training.l2 }).weights);
}

async function derive(p: TrainingPlan, data: Dataset, globalWeights: Float32Array) {
  const rows = agentRows(p, data);
  const local = await fitBaseline({ plan: p, train: rows.train, validation: rows.validation, maxRounds: 10 });
  const chosen = await personalize({
    plan: p,
    rows,
    globalWeights,
    localPlan: p,
    localRows: rows,
    localWeights: local.weights,
  });
  const auc = async (w: Float32Array) => exactMetrics(await predict(p, w, rows.test), rows.test.labels).rocAuc;
  return {
    rows,
    chosen,
    test: {
      local: await auc(local.weights),
      global: await auc(globalWeights),
      personalized: personalizedMetrics(chosen, rows.test).rocAuc,
    },
  };
}

beforeAll(() => {
  process.env.SYNDICATE_TF_BACKEND = 'cpu';
});

describe('personalize', () => {
  const logistic = plan('logistic_regression');
  let global: Float32Array;
  beforeAll(() => {
    global = consortiumModel(logistic);
  });

  it('serves a bank whose data differs from the consortium at least as well as its local-only model', async () => {
    // Here default follows x1 against the grain and x2, which the consortium's banks ignore.
    const odd = bank(7, 2500, [-0.6, 0.8, 1.4, 0]);
    const r = await derive(logistic, odd, global);
    // The premise: the global model alone serves this bank worse than its own model.
    expect(r.test.global).toBeLessThan(r.test.local - 0.02);
    expect(r.chosen.choice).not.toBe('global');
    expect(r.test.personalized).toBeGreaterThanOrEqual(r.test.local - 0.005);
  });

  it("takes the consortium's model when the bank's own is clearly worse, and never chooses below local-only on validation", async () => {
    // Like the consortium, but alone it learned from only its first 60 training rows: far less than the consortium knows.
    const rows = agentRows(logistic, bank(8, 1500, [1.2, 0.8, 0, 0]));
    const few: Dataset = { ...rows.train, rows: 60, features: rows.train.features.subarray(0, 60 * FEATURES) };
    few.labels = rows.train.labels.subarray(0, 60);
    const local = await fitBaseline({ plan: logistic, train: few, validation: rows.validation, maxRounds: 10 });
    const chosen = await personalize({
      plan: logistic,
      rows,
      globalWeights: global,
      localPlan: logistic,
      localRows: rows,
      localWeights: local.weights,
    });
    expect(chosen.choice).not.toBe('local_only');
    expect(chosen.winShare[chosen.choice]!).toBeGreaterThanOrEqual(CLEAR_WIN_SHARE);
    const v = chosen.validation;
    expect(v[chosen.choice]!).toBeGreaterThan(v.local_only!);
    const localTest = exactMetrics(await predict(logistic, local.weights, rows.test), rows.test.labels).rocAuc;
    expect(personalizedMetrics(chosen, rows.test).rocAuc).toBeGreaterThan(localTest);
  });

  it('a bank like the others with enough rows of its own ends no worse than alone', async () => {
    for (const n of [400, 1000]) {
      const r = await derive(logistic, bank(8, n, [1.2, 0.8, 0, 0]), global);
      expect(r.test.personalized).toBeGreaterThanOrEqual(r.test.local - 0.005);
      if (r.chosen.choice !== 'local_only')
        expect(r.chosen.winShare[r.chosen.choice]!).toBeGreaterThanOrEqual(CLEAR_WIN_SHARE);
    }
  });

  it('keeps local-only when the global model leads it on validation by no more than noise', async () => {
    // A bank with its own slightly different law and a small holdout: the consortium's model is
    // about as good as its own, so any validation lead is noise and must not move it off local-only.
    const p = plan('logistic_regression');
    const near = consortiumModel(p).map((w, i) => (i === 2 ? w * 0.8 : w));
    for (const seed of [21, 22, 23]) {
      const r = await derive(p, bank(seed, 1500, [1.1, 0.9, 0.15, 0]), near);
      expect(r.test.personalized).toBeGreaterThanOrEqual(r.test.local - 0.005);
      if (r.chosen.choice !== 'local_only')
        expect(r.chosen.winShare[r.chosen.choice]!).toBeGreaterThanOrEqual(CLEAR_WIN_SHARE);
    }
  });

  it('replaces local-only only with a clear win, the best of those that win clearly', () => {
    const v = { global: 0.81, local_only: 0.8, fine_tuned: 0.83, blend: 0.82 };
    expect(chooseModel('auc', v, { global: 0.7, local_only: null, fine_tuned: 0.9, blend: 0.94 })).toBe('local_only');
    expect(chooseModel('auc', v, { global: 0.97, local_only: null, fine_tuned: 0.9, blend: 0.96 })).toBe('blend');
    expect(chooseModel('auc', v, { global: 0.97, local_only: null, fine_tuned: 0.99, blend: 0.96 })).toBe('fine_tuned');
    // Log loss points the other way: lower is better.
    const loss = { global: 0.3, local_only: 0.32, fine_tuned: 0.31, blend: 0.29 };
    expect(chooseModel('log_loss', loss, { global: 0.99, local_only: null, fine_tuned: 0.99, blend: 0.99 })).toBe(
      'blend',
    );
    // Rows local-only cannot be ranked on (one class): the best figure decides, ties to the simpler.
    const none = { global: null, local_only: null, fine_tuned: null, blend: null };
    expect(chooseModel('auc', none, { global: null, local_only: null, fine_tuned: null, blend: null })).toBe('global');
  });

  it('fine-tunes from the global weights and keeps a round only when it beats the global model on validation', async () => {
    const mlp = plan('mlp');
    const odd = bank(9, 1500, [-0.6, 0.8, 1.4, 0]);
    const rows = agentRows(mlp, odd);
    const start = initialWeights(mlp);
    const chosen = await personalize({
      plan: mlp,
      rows,
      globalWeights: start,
      localPlan: mlp,
      localRows: rows,
      localWeights: start,
      maxRounds: 3,
    });
    const auc = async (w: Float32Array) =>
      exactMetrics(await predict(mlp, w, rows.validation), rows.validation.labels).rocAuc;
    expect(chosen.fineTune.rounds).toBeGreaterThanOrEqual(1);
    expect(chosen.fineTune.rounds).toBeLessThanOrEqual(3);
    expect(chosen.validation.fine_tuned).toBeCloseTo(await auc(chosen.fineTunedWeights), 12);
    // Random initial weights are a poor model: a few epochs on this bank's rows must improve on them.
    expect(chosen.fineTune.bestRound).toBeGreaterThan(0);
    expect(chosen.validation.fine_tuned!).toBeGreaterThan(chosen.validation.global!);
    expect(chosen.fineTunedWeights).not.toBe(start);
  });

  it('blends scores linearly and chooses alpha among the interior weights', () => {
    const g = Float32Array.from([0.2, 0.8]);
    const l = Float32Array.from([0.6, 0.4]);
    expect(Array.from(blendScores(g, l, 0.25))).toEqual([
      Math.fround(0.25 * g[0] + 0.75 * l[0]),
      Math.fround(0.25 * g[1] + 0.75 * l[1]),
    ]);
    expect(() => blendScores(g, Float32Array.from([1]), 0.5)).toThrow(/cannot blend 2 global scores with 1/);
    expect(Math.min(...BLEND_ALPHAS)).toBeGreaterThan(0);
    expect(Math.max(...BLEND_ALPHAS)).toBeLessThan(1);
  });
});
