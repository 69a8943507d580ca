import { inputDimension, layerStack, type FederatedMetrics, type TrainingPlan } from '@syndicate/protocol';

/** What the report says about the plan, in words a reviewer reads. */
export interface ReportPlanSummary {
  name: string;
  sha256?: string;
  description?: string;
  /** e.g. "logistic regression" or "MLP 32-16, relu". */
  model: string;
  target: string;
  features: { numeric: number; categorical: number; inputColumns: number };
  /** e.g. "FedAvg, secure (BFV, bfv-n4096-...)". */
  aggregation: string;
  localTraining: string;
  /** Score bins per class the plan asks federated evaluation to use. */
  evaluationBins?: number;
}

export interface ReportRound {
  number: number;
  contributors: number;
  /** On the validation rows (they choose); null when the round's federated evaluation did not complete. */
  metrics: FederatedMetrics | null;
  /** On the test rows (they report); absent or null without test rows. */
  test?: FederatedMetrics | null;
}

/** Which version serves and why: chosen on federated validation by the plan's selection policy. */
export interface ReportSelection {
  championRound: number | null;
  /** e.g. "auc". */
  metric: string;
  promotionMargin: number;
  /** Training stopped early (patience exhausted). */
  stopped: boolean;
  patience?: number;
}

/** The report's summary of a federation's model selection (as GET /v1/federations/:id/selection gives it). */
export const reportSelection = (s: {
  champion: { roundNumber: number } | null;
  stopped: boolean;
  policy: { metric: string; promotionMargin: number; patience?: number };
}): ReportSelection => ({
  championRound: s.champion?.roundNumber ?? null,
  metric: s.policy.metric,
  promotionMargin: s.policy.promotionMargin,
  stopped: s.stopped,
  patience: s.policy.patience,
});

/** How many members beat their local-only model with the global one (each bank reports only "better or not"). */
export interface BenefitSummary {
  banks: number;
  improved: number;
  medianAucGain: number;
}

export interface ReportBaselines {
  /** The same model trained on pooled data, where a consortium could run that comparison (e.g. on synthetic data). */
  centralized?: { auc: number; ks: number; /** How it was fitted, in words. */ fit?: string };
}

export interface ReportData {
  federationName: string;
  plan: ReportPlanSummary;
  generatedAt: Date | string;
  rounds: ReportRound[];
  /** The served model's metrics: the champion's on the test rows (its validation figures where there are none). */
  final: FederatedMetrics | null;
  /** Which rows `final` was computed on: test rows where the evaluation had them. */
  finalRows?: 'test' | 'validation';
  selection?: ReportSelection;
  benefit?: BenefitSummary;
  baselines?: ReportBaselines;
  /** Bins per class the reported evaluations actually used (the plan's setting when not given). */
  bins?: number[];
}

function describeModel(model: TrainingPlan['model']): string {
  if (model.template === 'logistic_regression') return 'logistic regression';
  if (model.template === 'mlp') return `MLP ${model.hiddenUnits.join('-')} (${model.activation}), sigmoid output`;
  try {
    const layers = layerStack(model).map((l) =>
      l.kind === 'dense' ? `Dense ${l.units} ${l.activation}${l.useBias ? '' : ' (no bias)'}` : `Dropout ${l.rate}`,
    );
    return `Sequential (${model.template}): ${layers.join(' → ')}`;
  } catch {
    return model.template;
  }
}

/** Cross-entropy goes unsaid (every plan trained on it before losses were a choice); focal loss is named. */
function lossText(loss: TrainingPlan['training']['loss']): string {
  if (loss.type !== 'focal') return '';
  return `, focal loss (gamma ${loss.gamma}${loss.alpha !== undefined ? `, alpha ${loss.alpha}` : ''})`;
}

/** The report's plan section from a validated plan. */
export function reportPlanSummary(plan: TrainingPlan, sha256?: string): ReportPlanSummary {
  const { aggregation: agg, training } = plan;
  return {
    name: plan.name,
    ...(sha256 ? { sha256 } : {}),
    ...(plan.description ? { description: plan.description } : {}),
    model: describeModel(plan.model),
    target: plan.schema.target.name,
    features: {
      numeric: plan.schema.features.filter((f) => f.type === 'numeric').length,
      categorical: plan.schema.features.filter((f) => f.type === 'categorical').length,
      inputColumns: inputDimension(plan.schema),
    },
    aggregation:
      agg.mode === 'secure'
        ? `${agg.strategy}, secure (BFV homomorphic encryption, parameter set ${agg.secure.parameterSet}, update clip ±${agg.secure.clip})`
        : `${agg.strategy}, plaintext updates`,
    localTraining: `${training.epochs} epoch(s), batch ${training.batchSize}, ${training.optimizer} lr ${training.learningRate}${training.learningRateDecay < 1 ? ` (× ${training.learningRateDecay} per round)` : ''}${training.l2 ? `, L2 ${training.l2}` : ''}${lossText(training.loss)}`,
    evaluationBins: plan.evaluation.bins,
  };
}
