import { exactMetrics, modelLayout, type ExactMetrics, type TrainingPlan } from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { predict } from '../evaluation/metrics';
import { agentRows } from './agent-holdout';
import { fitBaseline, type BaselineFitReport } from './baseline-fit';
import type { BaselineFitter } from './centralized-baseline';
import type { RoundProgress } from './local-rounds';
import { personalize, personalizedMetrics, type ModelChoice, type Personalization } from './personalize';

/** A model minus local-only; positive is better except for Brier, where lower is better. */
export interface MetricGain {
  auc: number;
  ks: number;
  gini: number;
  brier: number;
  prAuc: number;
}

export interface BenefitReport {
  trainExamples: number;
  /** Holdout rows that chose (the local-only model's early stopping, fine-tuning, the blend, the choice). */
  validationExamples: number;
  /** Holdout rows every figure below is computed on; they chose nothing. */
  testExamples: number;
  testPositives: number;
  /** The most rounds an early-stopped local-only model could train (a logistic one is fitted to convergence). */
  rounds: number;
  /** How the local-only model was fitted (as the simulation's local-only baseline is). */
  localFit: BaselineFitReport;
  local_only: ExactMetrics;
  global: ExactMetrics;
  /** The model this bank should use (`choice.model`), on the test rows. */
  personalized: ExactMetrics;
  choice: Pick<Personalization, 'metric' | 'validation' | 'winShare' | 'alpha' | 'fineTune'> & { model: ModelChoice };
  /** global minus local-only. */
  gain: MetricGain;
  /** personalized minus local-only. */
  personalizedGain: MetricGain;
}

/** The chosen model's parameters, kept on this machine (never in the report). */
export interface ChosenModel {
  model: ModelChoice;
  alpha: number;
  /** The plan (and encoding) the local-only model was fitted with, when it takes part. */
  localPlan?: TrainingPlan;
  localWeights?: Float32Array;
  /** The global encoding's weights: the global model itself or its fine-tuned version. */
  weights?: Float32Array;
}

export function metricGain(local: ExactMetrics, other: ExactMetrics): MetricGain {
  return {
    auc: other.rocAuc - local.rocAuc,
    ks: other.ks - local.ks,
    gini: other.gini - local.gini,
    brier: other.brier - local.brier,
    prAuc: other.prAuc - local.prAuc,
  };
}

/**
 * Would this bank have done as well alone, and which model should it use? Fits a local-only
 * model on the agent's training rows (as the simulation's local-only baseline: Newton for a
 * logistic regression, otherwise early stopping on the validation rows), derives a personalised
 * model from the global one (personalize), and scores all three on the agent's test rows.
 * Everything stays in this process.
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
  /** At most this many rounds for an early-stopped local-only model and (capped lower) for fine-tuning. */
  rounds: number;
  onRound?: (p: RoundProgress) => void;
  /** Replaces the local-only fitting (tests). */
  fitter?: BaselineFitter;
}): Promise<{ report: BenefitReport; chosen: ChosenModel }> {
  const numParams = modelLayout(o.plan).numParams;
  if (o.globalWeights.length !== numParams)
    throw new Error(`the global weights have ${o.globalWeights.length} values, the plan's model has ${numParams}`);
  const alone = o.local ?? { plan: o.plan, data: o.data };
  if (alone.data.rows !== o.data.rows)
    throw new Error(
      `the local-only encoding has ${alone.data.rows} rows, the global one ${o.data.rows}: both must be the same file`,
    );
  const rows = agentRows(o.plan, o.data);
  // Split again only when the bank alone encodes the file its own way (same seeds: the same rows).
  const own = o.local ? agentRows(alone.plan, alone.data) : rows;
  const local = await (o.fitter ?? fitBaseline)({
    plan: alone.plan,
    train: own.train,
    validation: own.validation,
    maxRounds: o.rounds,
    onRound: o.onRound,
  });
  const p = await personalize({
    plan: o.plan,
    rows,
    globalWeights: o.globalWeights,
    localPlan: alone.plan,
    localRows: own,
    localWeights: local.weights,
    maxRounds: o.rounds,
  });
  const localOnly = exactMetrics(await predict(alone.plan, local.weights, own.test), own.test.labels);
  const global = exactMetrics(await predict(o.plan, o.globalWeights, rows.test), rows.test.labels);
  const personalized = personalizedMetrics(p, rows.test);
  const usesLocal = p.choice === 'local_only' || p.choice === 'blend';
  const usesGlobal = p.choice !== 'local_only';
  const chosen: ChosenModel = {
    model: p.choice,
    alpha: p.alpha,
    ...(usesLocal ? { localPlan: alone.plan, localWeights: local.weights } : {}),
    ...(usesGlobal ? { weights: p.choice === 'fine_tuned' ? p.fineTunedWeights : o.globalWeights } : {}),
  };
  const report: BenefitReport = {
    trainExamples: own.train.rows,
    validationExamples: rows.validation.rows,
    testExamples: rows.test.rows,
    testPositives: global.positives,
    rounds: o.rounds,
    localFit: local.fit,
    local_only: localOnly,
    global,
    personalized,
    choice: {
      model: p.choice,
      metric: p.metric,
      validation: p.validation,
      winShare: p.winShare,
      alpha: p.alpha,
      fineTune: p.fineTune,
    },
    gain: metricGain(localOnly, global),
    personalizedGain: metricGain(localOnly, personalized),
  };
  return { report, chosen };
}
