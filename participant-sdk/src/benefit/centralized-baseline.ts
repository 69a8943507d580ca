import { exactMetrics, featureStatsFieldsNeeded, type ExactMetrics, type TrainingPlan } from '@syndicate/protocol';
import { loadCsvDataset, type Dataset } from '../data/csv-dataset';
import { predict } from '../evaluation/metrics';
import { agentRows as threeWay } from './agent-holdout';
import { fitBaseline, type BaselineFitReport } from './baseline-fit';
import type { RoundProgress } from './local-rounds';
import { standardizedPlan } from './standardized-plan';

/** The figures a simulation compares, on test rows; NaN (null in JSON) when they lack a class. */
export interface MetricSummary {
  /** Test rows scored (the part of the holdout that reports). */
  holdoutExamples: number;
  positives: number;
  auc: number;
  ks: number;
  gini: number;
  brier: number;
  prAuc: number;
}

export interface BankBaseline extends MetricSummary {
  trainExamples: number;
  /** The bank's own model (same plan, its rows only, fitted the same way), on the same test rows; with `localOnly`. */
  local_only?: MetricSummary & { fit: BaselineFitReport };
}

export interface CentralizedBaseline {
  /** At most this many rounds for models fitted with early stopping. */
  rounds: number;
  /** The pooled model on the pooled test rows (every bank's), and how it was fitted. */
  centralized: MetricSummary & { trainExamples: number; fit: BaselineFitReport };
  /** The pooled model on each bank's test rows, in the order the banks were given. */
  banks: Record<string, BankBaseline>;
  /** The pooled model's weights (not written to results). */
  weights: Float32Array;
}

export interface BaselineBank {
  name: string;
  file: string;
}

export function summarize(m: ExactMetrics): MetricSummary {
  return {
    holdoutExamples: m.numExamples,
    positives: m.positives,
    auc: m.rocAuc,
    ks: m.ks,
    gini: m.gini,
    brier: m.brier,
    prAuc: m.prAuc,
  };
}

/** Row-wise concatenation, in the order given. */
export function poolDatasets(parts: Dataset[]): Dataset {
  if (parts.length === 0) throw new Error('nothing to pool');
  const inputDim = parts[0].inputDim;
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const features = new Float32Array(rows * inputDim);
  const labels = new Float32Array(rows);
  let at = 0;
  for (const p of parts) {
    if (p.inputDim !== inputDim) throw new Error(`cannot pool data of ${p.inputDim} and ${inputDim} encoded columns`);
    features.set(p.features.subarray(0, p.rows * inputDim), at * inputDim);
    labels.set(p.labels.subarray(0, p.rows), at);
    at += p.rows;
  }
  return { features, labels, rows, inputDim };
}

async function score(plan: TrainingPlan, weights: Float32Array, data: Dataset): Promise<ExactMetrics> {
  return exactMetrics(await predict(plan, weights, data), data.labels);
}

/** Fits one comparison model; replaceable in tests. */
export type BaselineFitter = (o: {
  plan: TrainingPlan;
  train: Dataset;
  validation: Dataset;
  maxRounds: number;
  onRound?: (p: RoundProgress) => void;
}) => Promise<{ weights: Float32Array; fit: BaselineFitReport }>;

/**
 * The "all data pooled" upper bound for simulations on synthetic banks (never for real banks'
 * data, which must not be pooled): every bank's training rows under the agent's split, pooled,
 * fit one model (a logistic regression to convergence; other models with early stopping on the
 * pooled validation rows, at most `rounds` rounds), scored on each bank's test rows and on all
 * of them together — the rows the federated model's reported figures come from. With
 * `localOnly`, each bank's own model too, fitted the same way on its rows alone.
 */
export async function runCentralizedBaseline(o: {
  plan: TrainingPlan;
  banks: BaselineBank[];
  rounds: number;
  localOnly?: boolean;
  /** `model` is "centralized" or the bank's name. */
  onRound?: (model: string, p: RoundProgress) => void;
  /** Replaces the fitting (tests). */
  fitter?: BaselineFitter;
}): Promise<CentralizedBaseline> {
  if (o.banks.length === 0) throw new Error('no banks given');
  const names = new Set<string>();
  for (const b of o.banks) {
    if (names.has(b.name)) throw new Error(`bank "${b.name}" is named twice`);
    names.add(b.name);
  }
  const fit = o.fitter ?? fitBaseline;
  const plan = await standardizedPlan(
    o.plan,
    o.banks.map((b) => b.file),
  );
  const splits = [];
  for (const b of o.banks) splits.push(threeWay(plan, await loadCsvDataset(b.file, plan.schema)));
  const pooledTrain = poolDatasets(splits.map((s) => s.train));
  const pooled = await fit({
    plan,
    train: pooledTrain,
    validation: poolDatasets(splits.map((s) => s.validation)),
    maxRounds: o.rounds,
    onRound: (p) => o.onRound?.('centralized', p),
  });
  const pooledTest = poolDatasets(splits.map((s) => s.test));
  const banks: Record<string, BankBaseline> = {};
  for (const [i, b] of o.banks.entries()) {
    banks[b.name] = {
      trainExamples: splits[i].train.rows,
      ...summarize(await score(plan, pooled.weights, splits[i].test)),
    };
  }
  if (o.localOnly) {
    const federated = featureStatsFieldsNeeded(o.plan).size > 0;
    for (const [i, b] of o.banks.entries()) {
      // A bank alone standardizes with its own statistics: the same rows, encoded its way.
      const own = federated ? await standardizedPlan(o.plan, [b.file]) : plan;
      const rows = federated ? threeWay(own, await loadCsvDataset(b.file, own.schema)) : splits[i];
      const local = await fit({
        plan: own,
        train: rows.train,
        validation: rows.validation,
        maxRounds: o.rounds,
        onRound: (p) => o.onRound?.(b.name, p),
      });
      banks[b.name].local_only = { ...summarize(await score(own, local.weights, rows.test)), fit: local.fit };
    }
  }
  return {
    rounds: o.rounds,
    centralized: {
      trainExamples: pooledTrain.rows,
      ...summarize(await score(plan, pooled.weights, pooledTest)),
      fit: pooled.fit,
    },
    banks,
    weights: pooled.weights,
  };
}
