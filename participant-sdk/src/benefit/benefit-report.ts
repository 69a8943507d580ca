import { exactMetrics, modelLayout, type ExactMetrics, type TrainingPlan } from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { predict } from '../evaluation/metrics';
import { agentSplit } from './agent-holdout';
import { trainRounds, type RoundProgress, type RoundsTrainer } from './local-rounds';

/** global minus local-only; positive is better except for Brier, where lower is better. */
export interface MetricGain {
  auc: number;
  ks: number;
  gini: number;
  brier: number;
  prAuc: number;
}

export interface BenefitReport {
  trainExamples: number;
  holdoutExamples: number;
  holdoutPositives: number;
  rounds: number;
  local_only: ExactMetrics;
  global: ExactMetrics;
  gain: MetricGain;
}

export function metricGain(local: ExactMetrics, global: ExactMetrics): MetricGain {
  return {
    auc: global.rocAuc - local.rocAuc,
    ks: global.ks - local.ks,
    gini: global.gini - local.gini,
    brier: global.brier - local.brier,
    prAuc: global.prAuc - local.prAuc,
  };
}

/**
 * Would this bank have done as well alone? Trains a local-only model like a
 * federation of one (same plan, initial weights, rounds and seeds) on the
 * agent's training rows, then scores the agent's holdout with it and with the
 * consortium's global model. Everything stays in this process.
 */
export async function runBenefit(o: {
  /** The plan as the federation trained the global model (consortium scaling applied). */
  plan: TrainingPlan;
  /** The bank's whole file, encoded with `plan`; split here exactly as the agent splits it. */
  data: Dataset;
  /**
   * With federated standardisation a bank alone scales with its own statistics:
   * its plan and the same file encoded with it. Default: `plan` and `data`.
   */
  local?: { plan: TrainingPlan; data: Dataset };
  globalWeights: Float32Array;
  rounds: number;
  onRound?: (p: RoundProgress) => void;
  /** Replaces the local training (tests). */
  trainer?: RoundsTrainer;
}): Promise<BenefitReport> {
  const numParams = modelLayout(o.plan).numParams;
  if (o.globalWeights.length !== numParams)
    throw new Error(`the global weights have ${o.globalWeights.length} values, the plan's model has ${numParams}`);
  const split = agentSplit(o.plan, o.data);
  const { holdout } = split;
  const alone = o.local ?? { plan: o.plan, data: o.data };
  if (alone.data.rows !== o.data.rows)
    throw new Error(
      `the local-only encoding has ${alone.data.rows} rows, the global one ${o.data.rows}: both must be the same file`,
    );
  // Split again only when the bank alone encodes the file its own way.
  const own = o.local ? agentSplit(alone.plan, alone.data) : split;
  const local = await (o.trainer ?? trainRounds)({
    plan: alone.plan,
    data: own.train,
    rounds: o.rounds,
    onRound: o.onRound,
  });
  const localOnly = exactMetrics(await predict(alone.plan, local, own.holdout), own.holdout.labels);
  const global = exactMetrics(await predict(o.plan, o.globalWeights, holdout), holdout.labels);
  return {
    trainExamples: own.train.rows,
    holdoutExamples: holdout.rows,
    holdoutPositives: global.positives,
    rounds: o.rounds,
    local_only: localOnly,
    global,
    gain: metricGain(localOnly, global),
  };
}
