import { exactMetrics, featureStatsFieldsNeeded, type ExactMetrics, type TrainingPlan } from '@syndicate/protocol';
import { loadCsvDataset, type Dataset } from '../data/csv-dataset';
import { predict } from '../evaluation/metrics';
import { agentSplit } from './agent-holdout';
import { trainRounds, type RoundProgress, type RoundsTrainer } from './local-rounds';
import { standardizedPlan } from './standardized-plan';

/** The figures a simulation compares; NaN (null in JSON) when the holdout lacks a class. */
export interface MetricSummary {
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
  /** The bank's own model (same plan and rounds, its rows only), on the same holdout; with `localOnly`. */
  local_only?: MetricSummary;
}

export interface CentralizedBaseline {
  rounds: number;
  /** The pooled model on the pooled holdout (every bank's holdout rows). */
  centralized: MetricSummary & { trainExamples: number };
  /** The pooled model on each bank's holdout, in the order the banks were given. */
  banks: Record<string, BankBaseline>;
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

/**
 * The "all data pooled" upper bound for simulations on synthetic banks (never
 * for real banks' data, which must not be pooled): every bank's training rows
 * under the agent's split, pooled, train one model for `rounds` rounds, scored
 * on each bank's holdout and on all holdouts together. With `localOnly`, each
 * bank's own model too, on the same holdout rows.
 */
export async function runCentralizedBaseline(o: {
  plan: TrainingPlan;
  banks: BaselineBank[];
  rounds: number;
  localOnly?: boolean;
  /** `model` is "centralized" or the bank's name. */
  onRound?: (model: string, p: RoundProgress) => void;
  /** Replaces the training (tests). */
  trainer?: RoundsTrainer;
}): Promise<CentralizedBaseline> {
  if (o.banks.length === 0) throw new Error('no banks given');
  const names = new Set<string>();
  for (const b of o.banks) {
    if (names.has(b.name)) throw new Error(`bank "${b.name}" is named twice`);
    names.add(b.name);
  }
  const train = o.trainer ?? trainRounds;
  const plan = await standardizedPlan(
    o.plan,
    o.banks.map((b) => b.file),
  );
  const splits = [];
  for (const b of o.banks) splits.push(agentSplit(plan, await loadCsvDataset(b.file, plan.schema)));
  const pooledTrain = poolDatasets(splits.map((s) => s.train));
  const weights = await train({
    plan,
    data: pooledTrain,
    rounds: o.rounds,
    onRound: (p) => o.onRound?.('centralized', p),
  });
  const pooledHoldout = poolDatasets(splits.map((s) => s.holdout));
  const banks: Record<string, BankBaseline> = {};
  for (const [i, b] of o.banks.entries()) {
    banks[b.name] = {
      trainExamples: splits[i].train.rows,
      ...summarize(await score(plan, weights, splits[i].holdout)),
    };
  }
  if (o.localOnly) {
    const federated = featureStatsFieldsNeeded(o.plan).size > 0;
    for (const [i, b] of o.banks.entries()) {
      // A bank alone standardizes with its own statistics: the same holdout rows, encoded its way.
      const own = federated ? await standardizedPlan(o.plan, [b.file]) : plan;
      const { train: t, holdout } = federated ? agentSplit(own, await loadCsvDataset(b.file, own.schema)) : splits[i];
      const local = await train({ plan: own, data: t, rounds: o.rounds, onRound: (p) => o.onRound?.(b.name, p) });
      banks[b.name].local_only = summarize(await score(own, local, holdout));
    }
  }
  return {
    rounds: o.rounds,
    centralized: { trainExamples: pooledTrain.rows, ...summarize(await score(plan, weights, pooledHoldout)) },
    banks,
  };
}
