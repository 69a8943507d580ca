import type { TrainingPlan } from '@syndicate/protocol';
import type { Dataset } from '../data/csv-dataset';
import { splitHoldout, splitValidationTest } from '../data/holdout-split';

/**
 * The train/holdout split the agent makes of a bank's file (agent-runner): same
 * plan fraction and seed, so comparisons score exactly the rows the consortium's
 * federated evaluation scored.
 */
export function agentSplit(plan: Pick<TrainingPlan, 'holdout'>, data: Dataset): { train: Dataset; holdout: Dataset } {
  return splitHoldout(data, plan.holdout.fraction, plan.holdout.seed);
}

/** A bank's rows as the agent splits them: training rows, and its holdout's validation and test rows. */
export function agentRows(
  plan: Pick<TrainingPlan, 'holdout'>,
  data: Dataset,
): { train: Dataset; validation: Dataset; test: Dataset } {
  const { train, holdout } = agentSplit(plan, data);
  return { train, ...splitValidationTest(holdout, plan.holdout.validationFraction, plan.holdout.seed) };
}
